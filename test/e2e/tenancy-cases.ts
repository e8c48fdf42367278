import { JSON_PATCH, type HeaderSet } from './auth-support';
import type { Holdings } from './tenancy-state';

/**
 * What an intruder (project B) tries on every REST route and socket action with the victim's (A's)
 * names, ids, hrefs, markers, claim ids and subscription ids. Each probe states the status Zaqar
 * answers a project that holds none of it; the sweep also requires the whole answer to equal the
 * one B gets with identifiers that exist nowhere. Keys are the routes as /openapi.json names them
 * and the socket actions as the server names them: the sweep fails on a route or action missing here.
 */

export interface Probe {
  method: string;
  path: string;
  body?: unknown;
  headers?: HeaderSet;
  /** For a project holding nothing of the kind; [that, a namesake's] where a project with same-named resources gets another. */
  status: number | [stranger: number, namesake: number];
  /** The answer holds what the request made (ids, signatures, dates): compared by shape, not value. */
  creates?: boolean;
}

export interface Frame {
  action: string;
  body: Record<string, unknown>;
  status: number | [stranger: number, namesake: number];
  creates?: boolean;
}

type RestCases = Record<string, (h: Holdings) => Probe[]>;
type SocketCases = Record<string, (h: Holdings) => Frame[]>;

/** Routes without a project's data, and why nothing there can be another project's. */
export const REST_EXEMPT: Record<string, string> = {
  'GET /': 'the versions document: static, answered without credentials',
  'GET /v2': 'the home document: static, the same for every project',
  'GET /v1.1': 'the home document: static, the same for every project',
  'GET /v2/ping': 'answers 204 with no body: reads no project data',
  'GET /v1.1/ping': 'answers 204 with no body: reads no project data',
};

/** Actions without a project's data. */
export const SOCKET_EXEMPT: Record<string, string> = {
  ping_node: 'answers 204 with no body: reads no project data',
  get_home_doc: 'the home document: static, the same for every project',
  authenticate:
    "the session's own: with noauth there is nothing to check; Keystone sessions are swept in websocket-keystone.e2e.ts",
};

/** Routes served only with pooling on (POOLING=on): the sweep runs them on the pooled server alone. */
export const isPoolingRoute = (key: string) => /^\w+ \/v2\/(pools|flavors)\b/.test(key);

/** One queue-shaped space as the intruder addresses it, and A's resources in it. */
interface Space {
  base: string;
  name: (h: Holdings) => string;
  ids: (h: Holdings) => string[];
  /** Message hrefs as A was given them (a claimed message's carries its claim id). */
  hrefs: (h: Holdings) => string[];
  markers: (h: Holdings) => string[];
  subscriptions: (h: Holdings) => string[];
  subscriber: (h: Holdings) => string;
}

const V2_QUEUES: Space = {
  base: '/v2/queues',
  name: (h) => h.orders,
  ids: (h) => h.orderIds,
  hrefs: (h) => h.orderHrefs,
  markers: (h) => h.orderMarkers,
  subscriptions: (h) => [h.subscriptions.confirmed, h.subscriptions.refused],
  subscriber: (h) => h.subscribers.confirmed,
};
const V2_TOPICS: Space = {
  base: '/v2/topics',
  name: (h) => h.topic,
  ids: (h) => h.topicIds,
  hrefs: (h) => h.topicIds.map((id) => `/v2/topics/${h.topic}/messages/${id}`),
  markers: (h) => h.topicMarkers,
  subscriptions: (h) => [h.subscriptions.topic],
  subscriber: (h) => h.subscribers.topic,
};
const V1_1_QUEUES: Space = {
  ...V2_QUEUES,
  base: '/v1.1/queues',
  hrefs: (h) => h.orderHrefs.map((href) => href.replace(/^\/v2\//, '/v1.1/')),
};
const ALL_SPACES = [V2_QUEUES, V2_TOPICS, V1_1_QUEUES];
const V2_SPACES = [V2_QUEUES, V2_TOPICS];
const CLAIM_SPACES = [V2_QUEUES, V1_1_QUEUES];

const ALL_MESSAGES = 'echo=true&include_claimed=true&include_delayed=true';

/** The same case for each space, keyed by its route there. */
function inSpaces(spaces: Space[], route: string, probes: (s: Space, h: Holdings) => Probe[]): RestCases {
  return Object.fromEntries(
    spaces.map((space) => {
      const [method, rest] = route.split(' ');
      return [`${method} ${space.base}${rest}`, (h: Holdings) => probes(space, h)];
    }),
  );
}

/** With pooling, the probes of A's queue on its own pool (placed there by its flavor); v2 queues only. */
function inVault(h: Holdings, s: Space, probes: (vault: string, ids: string[]) => Probe[]): Probe[] {
  return h.pooled && s === V2_QUEUES ? probes(h.pooled.vault, h.pooled.vaultIds) : [];
}

const get = (path: string, status: Probe['status']): Probe => ({ method: 'GET', path, status });
const del = (path: string, status: Probe['status']): Probe => ({ method: 'DELETE', path, status });

export const REST_CASES: RestCases = {
  ...inSpaces(ALL_SPACES, 'GET ', (s, h) => [
    get(s.base, 200),
    get(`${s.base}?detailed=true`, 200),
    // names sort after the marker: A's archive comes before its orders, 'a' before its topic
    get(`${s.base}?limit=1&marker=${s === V2_TOPICS ? 'a' : h.archive}`, 200),
  ]),
  ...inSpaces(ALL_SPACES, 'PUT /{queue}', (s, h) => [
    { method: 'PUT', path: `${s.base}/${s.name(h)}`, body: { owner: 'intruder' }, status: [201, 204], creates: true },
    ...(h.pooled && s === V2_QUEUES
      ? [{ method: 'PUT', path: `${s.base}/${h.pooled.vault}`, body: { _flavor: h.pooled.flavor }, status: 400 }]
      : []),
  ]),
  ...inSpaces(ALL_SPACES, 'GET /{queue}', (s, h) => [
    // a queue is implicit (Zaqar shows the defaults of one never created); a topic is not
    get(`${s.base}/${s.name(h)}`, s === V2_TOPICS ? [404, 200] : 200),
    get(`${s.base}/${h.archive}`, s === V2_TOPICS ? 404 : 200),
    ...inVault(h, s, (vault) => [get(`${s.base}/${vault}`, 200)]),
  ]),
  ...inSpaces(V2_SPACES, 'PATCH /{queue}', (s, h) => [
    {
      method: 'PATCH',
      path: `${s.base}/${s.name(h)}`,
      body: [{ op: 'replace', path: '/metadata/owner', value: 'intruder' }],
      headers: { 'Content-Type': JSON_PATCH },
      status: [404, 200],
    },
  ]),
  ...inSpaces(ALL_SPACES, 'DELETE /{queue}', (s, h) => [
    del(`${s.base}/${s.name(h)}`, 204),
    del(`${s.base}/${h.archive}`, 204),
    ...inVault(h, s, (vault) => [del(`${s.base}/${vault}`, 204)]),
  ]),
  ...inSpaces(ALL_SPACES, 'GET /{queue}/stats', (s, h) => [
    // empty stats for one never created, a topic too (Zaqar's topic_stats.py)
    get(`${s.base}/${s.name(h)}/stats`, 200),
    get(`${s.base}/${h.archive}/stats`, 200),
    ...inVault(h, s, (vault) => [get(`${s.base}/${vault}/stats`, 200)]),
  ]),
  ...inSpaces(V2_SPACES, 'POST /{queue}/purge', (s, h) => [
    {
      method: 'POST',
      path: `${s.base}/${s.name(h)}/purge`,
      body: { resource_types: ['messages', 'subscriptions'] },
      status: 204,
    },
    { method: 'POST', path: `${s.base}/${s.name(h)}/purge`, status: 204 },
  ]),
  'POST /v2/queues/{queue}/share': (h) => [
    { method: 'POST', path: `/v2/queues/${h.orders}/share`, body: { paths: ['messages'] }, status: 200, creates: true },
  ],

  ...inSpaces(ALL_SPACES, 'POST /{queue}/messages', (s, h) => [
    {
      method: 'POST',
      path: `${s.base}/${s.name(h)}/messages`,
      body: { messages: [{ body: 'intruder', ttl: 60 }] },
      status: 201,
      creates: true,
    },
  ]),
  ...inSpaces(ALL_SPACES, 'GET /{queue}/messages', (s, h) => [
    get(`${s.base}/${s.name(h)}/messages?${ALL_MESSAGES}`, 200),
    ...s.markers(h).map((marker) => get(`${s.base}/${s.name(h)}/messages?${ALL_MESSAGES}&marker=${marker}`, 200)),
    get(`${s.base}/${s.name(h)}/messages?ids=${s.ids(h).join(',')}`, [404, 404]),
    get(`${s.base}/${s.name(h)}/messages?ids=${s.ids(h)[0]}&${ALL_MESSAGES}`, 404),
    ...inVault(h, s, (vault, ids) => [
      get(`${s.base}/${vault}/messages?${ALL_MESSAGES}`, 200),
      get(`${s.base}/${vault}/messages?ids=${ids.join(',')}`, 404),
    ]),
  ]),
  ...inSpaces(ALL_SPACES, 'DELETE /{queue}/messages', (s, h) => [
    del(`${s.base}/${s.name(h)}/messages?ids=${s.ids(h).join(',')}`, 204),
    ...(s === V2_TOPICS
      ? []
      : [del(`${s.base}/${s.name(h)}/messages?ids=${h.orderIds.slice(0, 2).join(',')}&claim_ids=${h.claimId}`, 204)]),
    del(`${s.base}/${s.name(h)}/messages?pop=5`, [200, 200]),
  ]),
  ...inSpaces(ALL_SPACES, 'GET /{queue}/messages/{message}', (s, h) => [
    ...s.hrefs(h).map((href) => get(href, 404)),
    ...s.ids(h).map((id) => get(`${s.base}/${s.name(h)}/messages/${id}`, 404)),
    ...inVault(h, s, (vault, ids) => ids.map((id) => get(`${s.base}/${vault}/messages/${id}`, 404))),
  ]),
  ...inSpaces(ALL_SPACES, 'DELETE /{queue}/messages/{message}', (s, h) => [
    ...s.hrefs(h).map((href) => del(href, 204)),
    ...s.ids(h).map((id) => del(`${s.base}/${s.name(h)}/messages/${id}`, 204)),
    ...inVault(h, s, (vault, ids) => ids.map((id) => del(`${s.base}/${vault}/messages/${id}`, 204))),
  ]),

  ...inSpaces(CLAIM_SPACES, 'POST /{queue}/claims', (s, h) => [
    {
      method: 'POST',
      path: `${s.base}/${s.name(h)}/claims?limit=10`,
      body: { ttl: 60, grace: 60 },
      status: [204, 201],
      creates: true,
    },
  ]),
  ...inSpaces(CLAIM_SPACES, 'GET /{queue}/claims/{claim}', (s, h) => [
    get(`${s.base}/${s.name(h)}/claims/${h.claimId}`, 404),
  ]),
  ...inSpaces(CLAIM_SPACES, 'PATCH /{queue}/claims/{claim}', (s, h) => [
    { method: 'PATCH', path: `${s.base}/${s.name(h)}/claims/${h.claimId}`, body: { ttl: 900, grace: 60 }, status: 404 },
  ]),
  ...inSpaces(CLAIM_SPACES, 'DELETE /{queue}/claims/{claim}', (s, h) => [
    del(`${s.base}/${s.name(h)}/claims/${h.claimId}`, 204),
  ]),

  ...inSpaces(V2_SPACES, 'POST /{queue}/subscriptions', (s, h) => [
    // unique by project, queue and subscriber: A's subscriber is no conflict for B
    {
      method: 'POST',
      path: `${s.base}/${s.name(h)}/subscriptions`,
      body: { subscriber: s.subscriber(h), ttl: 600 },
      status: 201,
      creates: true,
    },
  ]),
  ...inSpaces(V2_SPACES, 'GET /{queue}/subscriptions', (s, h) => [
    get(`${s.base}/${s.name(h)}/subscriptions`, 200),
    ...s.subscriptions(h).map((id) => get(`${s.base}/${s.name(h)}/subscriptions?marker=${id}`, 200)),
  ]),
  ...inSpaces(V2_SPACES, 'GET /{queue}/subscriptions/{subscription}', (s, h) =>
    s.subscriptions(h).map((id) => get(`${s.base}/${s.name(h)}/subscriptions/${id}`, 404)),
  ),
  ...inSpaces(V2_SPACES, 'PATCH /{queue}/subscriptions/{subscription}', (s, h) =>
    s.subscriptions(h).map((id) => ({
      method: 'PATCH',
      path: `${s.base}/${s.name(h)}/subscriptions/${id}`,
      body: { ttl: 900, options: { owner: 'intruder' } },
      status: 404,
    })),
  ),
  ...inSpaces(V2_SPACES, 'DELETE /{queue}/subscriptions/{subscription}', (s, h) =>
    s.subscriptions(h).map((id) => del(`${s.base}/${s.name(h)}/subscriptions/${id}`, 204)),
  ),
  ...inSpaces(V2_SPACES, 'PUT /{queue}/subscriptions/{subscription}/confirm', (s, h) =>
    s.subscriptions(h).flatMap((id) =>
      [true, false].map((confirmed) => ({
        method: 'PUT',
        path: `${s.base}/${s.name(h)}/subscriptions/${id}/confirm`,
        body: { confirmed },
        status: 404,
      })),
    ),
  ),
  ...inSpaces(V2_SPACES, 'GET /{queue}/subscriptions/{subscription}/failed', (s, h) =>
    s
      .subscriptions(h)
      .flatMap((id) => [
        get(`${s.base}/${s.name(h)}/subscriptions/${id}/failed`, 404),
        ...h.failedIds.map((failed) => get(`${s.base}/${s.name(h)}/subscriptions/${id}/failed?marker=${failed}`, 404)),
      ]),
  ),
  ...inSpaces(V2_SPACES, 'POST /{queue}/subscriptions/{subscription}/failed', (s, h) =>
    s
      .subscriptions(h)
      .map((id) => ({ method: 'POST', path: `${s.base}/${s.name(h)}/subscriptions/${id}/failed`, status: 404 })),
  ),

  // Operators' views count every project's queues and messages: refused to a project's member.
  'GET /v2/health': () => [get('/v2/health', 403)],
  'GET /v1.1/health': () => [get('/v1.1/health', 403)],
  'GET /metrics': () => [get('/metrics', 403)],

  // Pools are the operator's, with no project (as in Zaqar): refused to a project's member.
  'GET /v2/pools': () => [get('/v2/pools', 403), get('/v2/pools?detailed=true', 403)],
  'GET /v2/pools/{pool}': (h) => [get(`/v2/pools/${h.pooled!.pool}`, 403)],
  'PUT /v2/pools/{pool}': (h) => [
    { method: 'PUT', path: `/v2/pools/${h.pooled!.pool}`, body: { uri: 'sqlite:/nowhere', weight: 9 }, status: 403 },
  ],
  'PATCH /v2/pools/{pool}': (h) => [
    { method: 'PATCH', path: `/v2/pools/${h.pooled!.pool}`, body: { weight: 9 }, status: 403 },
  ],
  'DELETE /v2/pools/{pool}': (h) => [del(`/v2/pools/${h.pooled!.pool}`, 403)],
  // Flavors belong to a project (Zaqar filters them by project); only an admin changes one.
  'GET /v2/flavors': () => [
    get('/v2/flavors', 200),
    get('/v2/flavors?detailed=true', 200),
    get('/v2/flavors?marker=a', 200),
  ],
  'GET /v2/flavors/{flavor}': (h) => [get(`/v2/flavors/${h.pooled!.flavor}`, 404)],
  'PUT /v2/flavors/{flavor}': (h) => [
    { method: 'PUT', path: `/v2/flavors/${h.pooled!.flavor}`, body: { pool_list: [h.pooled!.pool] }, status: 403 },
  ],
  'PATCH /v2/flavors/{flavor}': (h) => [
    { method: 'PATCH', path: `/v2/flavors/${h.pooled!.flavor}`, body: { pool_list: [h.pooled!.pool] }, status: 403 },
  ],
  'DELETE /v2/flavors/{flavor}': (h) => [del(`/v2/flavors/${h.pooled!.flavor}`, 403)],
};

/** A socket space: its actions' prefixes and the body field naming the queue. */
interface SocketSpace {
  queue: string;
  message: string;
  subscription: string;
  field: 'queue_name' | 'topic_name';
  space: Space;
}

const QUEUE_ACTIONS: SocketSpace = {
  queue: 'queue_',
  message: 'message_',
  subscription: 'subscription_',
  field: 'queue_name',
  space: V2_QUEUES,
};
const TOPIC_ACTIONS: SocketSpace = {
  queue: 'topic_',
  message: 'topic_message_',
  subscription: 'topic_subscription_',
  field: 'topic_name',
  space: V2_TOPICS,
};

function socketSpaceCases(a: SocketSpace): SocketCases {
  const named = (h: Holdings, more: Record<string, unknown> = {}) => ({ [a.field]: a.space.name(h), ...more });
  const frame = (action: string, body: Record<string, unknown>, status: Frame['status'], creates?: boolean): Frame => ({
    action,
    body,
    status,
    ...(creates ? { creates } : {}),
  });
  const topic = a === TOPIC_ACTIONS;
  return {
    [`${a.queue}list`]: (h) => [
      frame(`${a.queue}list`, {}, 200),
      frame(`${a.queue}list`, { detailed: true }, 200),
      frame(`${a.queue}list`, { marker: topic ? 'a' : h.archive, limit: 1 }, 200),
    ],
    [`${a.queue}create`]: (h) => [
      frame(`${a.queue}create`, named(h, { metadata: { owner: 'intruder' } }), [201, 204], true),
    ],
    [`${a.queue}delete`]: (h) => [frame(`${a.queue}delete`, named(h), 204)],
    // Zaqar's socket queue_get and stats answer 404 for one never created (REST: 200)
    [`${a.queue}get`]: (h) => [frame(`${a.queue}get`, named(h), [404, 200])],
    [`${a.queue}get_stats`]: (h) => [frame(`${a.queue}get_stats`, named(h), [404, 200])],
    [`${a.queue}purge`]: (h) => [
      frame(`${a.queue}purge`, named(h, { resource_types: ['messages', 'subscriptions'] }), 204),
      frame(`${a.queue}purge`, named(h), 204),
    ],
    [`${a.message}post`]: (h) => [
      frame(`${a.message}post`, named(h, { messages: [{ body: 'intruder', ttl: 60 }] }), 201, true),
    ],
    [`${a.message}list`]: (h) => [
      frame(`${a.message}list`, named(h, { echo: true, include_claimed: true, include_delayed: true }), 200),
      ...a.space
        .markers(h)
        .map((marker) => frame(`${a.message}list`, named(h, { echo: true, include_claimed: true, marker }), 200)),
    ],
    [`${a.message}get`]: (h) => a.space.ids(h).map((id) => frame(`${a.message}get`, named(h, { message_id: id }), 404)),
    // Zaqar's socket message_get_many lists what it finds, 200 with none (REST's ids= answers 404)
    [`${a.message}get_many`]: (h) => [frame(`${a.message}get_many`, named(h, { message_ids: a.space.ids(h) }), 200)],
    [`${a.message}delete`]: (h) => [
      ...a.space.ids(h).map((id) => frame(`${a.message}delete`, named(h, { message_id: id }), 204)),
      ...(topic
        ? []
        : h.orderIds
            .slice(0, 2)
            .map((id) => frame(`${a.message}delete`, named(h, { message_id: id, claim_id: h.claimId }), 204))),
    ],
    [`${a.message}delete_many`]: (h) => [
      frame(`${a.message}delete_many`, named(h, { message_ids: a.space.ids(h) }), 204),
      ...(topic
        ? []
        : [
            frame(
              `${a.message}delete_many`,
              named(h, { message_ids: h.orderIds.slice(0, 2), claim_ids: [h.claimId] }),
              204,
            ),
          ]),
      frame(`${a.message}delete_many`, named(h, { pop: 5 }), 200),
    ],
    [`${a.subscription}list`]: (h) => [
      frame(`${a.subscription}list`, named(h), 200),
      ...a.space.subscriptions(h).map((id) => frame(`${a.subscription}list`, named(h, { marker: id }), 200)),
    ],
    [`${a.subscription}create`]: (h) => [
      frame(`${a.subscription}create`, named(h, { subscriber: a.space.subscriber(h), ttl: 600 }), 201, true),
    ],
    [`${a.subscription}get`]: (h) =>
      a.space.subscriptions(h).map((id) => frame(`${a.subscription}get`, named(h, { subscription_id: id }), 404)),
    [`${a.subscription}delete`]: (h) =>
      a.space.subscriptions(h).map((id) => frame(`${a.subscription}delete`, named(h, { subscription_id: id }), 204)),
  };
}

export const SOCKET_CASES: SocketCases = {
  ...socketSpaceCases(QUEUE_ACTIONS),
  ...socketSpaceCases(TOPIC_ACTIONS),
  claim_create: (h) => [
    {
      action: 'claim_create',
      body: { queue_name: h.orders, limit: 10, ttl: 60, grace: 60 },
      status: [204, 201],
      creates: true,
    },
  ],
  claim_get: (h) => [{ action: 'claim_get', body: { queue_name: h.orders, claim_id: h.claimId }, status: 404 }],
  claim_update: (h) => [
    { action: 'claim_update', body: { queue_name: h.orders, claim_id: h.claimId, ttl: 900, grace: 60 }, status: 404 },
  ],
  claim_delete: (h) => [{ action: 'claim_delete', body: { queue_name: h.orders, claim_id: h.claimId }, status: 204 }],
  check_node_health: () => [{ action: 'check_node_health', body: {}, status: 403 }],
};
