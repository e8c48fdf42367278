import { randomUUID } from 'node:crypto';
import type { ReceivedRequest, WebhookReceiver } from '../support/webhook-receiver';
import { Caller, HeaderSet, lastSegment, noauth, Reply } from './auth-support';

/**
 * A project's rich state for the tenancy sweep, and everything another project could learn of it:
 * every name, id, href, marker, claim id, subscription id and signed URL. The sweep builds it for
 * the victim (A), and once more for a phantom that it then deletes, whose identifiers are well
 * formed and exist nowhere: what an intruder is answered with A's identifiers must be what it is
 * answered with the phantom's (translator).
 */

/** The Client-ID of every project here: isolation must not rest on it. */
export const CLIENT_ID = randomUUID();
/** Subscribers whose path ends so are answered 400: a delivery there fails for good, onto the failed list. */
const REFUSING = '/refusing';

/** How the sweep's webhook receiver answers the subscribers of the states built here. */
export const subscriberAnswer = (request: ReceivedRequest) => (request.path.endsWith(REFUSING) ? 400 : 200);
const ADMIN: HeaderSet = { 'X-Roles': 'admin' };

/** The signed fields a holder of a signed URL sends, as python-zaqarclient does. */
export interface SignedFields {
  'URL-Signature': string;
  'URL-Expires': string;
  'URL-Methods': string;
  'URL-Paths': string;
  'X-Project-ID': string;
}

export interface Holdings {
  project: string;
  /** In every name and subscriber URL of the project: the sweep maps the phantom's onto A's by it. */
  suffix: string;
  /** Queue names: orders (metadata, messages, a claim, subscriptions), archive (messages, one delayed). */
  orders: string;
  archive: string;
  topic: string;
  /** orders' messages oldest first; the first two are held by `claimId`, their hrefs carry it. */
  orderIds: string[];
  orderHrefs: string[];
  claimId: string;
  /** The `next` markers of orders' message pages of two, and of the topic's of one. */
  orderMarkers: string[];
  archiveIds: string[];
  topicIds: string[];
  topicMarkers: string[];
  /** On orders: confirmed (by its signed link), refused (its confirmation failed: one failed delivery); on the topic. */
  subscriptions: { confirmed: string; refused: string; topic: string };
  failedIds: string[];
  subscribers: { confirmed: string; refused: string; topic: string };
  /** What no other project may ever be shown. */
  secrets: string[];
  /** A URL signed by A for GET on orders' messages (share), and the confirmation link of `confirmed`. */
  share: SignedFields;
  confirmLink: SignedFields & { path: string };
  /** With pooling: a pool and a flavor of A's, and a queue placed by the flavor. */
  pooled?: { pool: string; flavor: string; vault: string; vaultIds: string[] };
}

/** Text that appears in every body and metadata of the victim's and nowhere else. */
export const canaryOf = (suffix: string) => `canary-${suffix}`;

function expectReply(reply: Reply, status: number, what: string): Reply {
  if (reply.status !== status) throw new Error(`${what}: expected ${status}, got ${reply.status} ${reply.text}`);
  return reply;
}

/** The marker of a page's `next` link. */
function nextMarker(reply: Reply): string {
  const next = (reply.body.links as Array<{ rel: string; href: string }>).find((link) => link.rel === 'next')!;
  return new URL(next.href, 'http://x').searchParams.get('marker')!;
}

export function signedFields(shared: { signature: string; expires: string; methods: string[]; paths: string[] }) {
  return {
    'URL-Signature': shared.signature,
    'URL-Expires': shared.expires,
    'URL-Methods': shared.methods.join(','),
    'URL-Paths': shared.paths.join(','),
  };
}

export interface StateOptions {
  receiver: WebhookReceiver;
  /** A store URL for a pool of the project's own; pooling servers only. */
  poolUri?: string;
}

/**
 * Builds the rich state of a new project: queues with metadata and messages, a claim, subscriptions
 * (one confirmed through its signed link, one whose confirmation failed onto its failed list), a
 * topic with messages and a subscription, a signed URL, and with pooling a pool, a flavor and a
 * queue of that flavor. Every body and metadata carries the project's canary.
 */
export async function buildState(baseUrl: string, label: string, options: StateOptions): Promise<Holdings> {
  const suffix = `${label}${randomUUID().slice(0, 8)}`;
  const project = `tenancy-${suffix}`;
  const owner = new Caller(baseUrl, { ...noauth(project), 'Client-ID': CLIENT_ID });
  const canary = canaryOf(suffix);
  const [orders, archive, topic] = [`orders-${suffix}`, `archive-${suffix}`, `alerts-${suffix}`];
  const hook = (name: string) => options.receiver.url(`/${suffix}/${name}`);
  const subscribers = { confirmed: hook('orders'), refused: hook(REFUSING.slice(1)), topic: hook('alerts') };

  expectReply(await owner.put(`/v2/queues/${orders}`, { owner: canary, level: 3 }), 201, 'orders');
  const orderIds = await owner.postMessages(
    orders,
    [0, 1, 2, 3, 4, 5].map((n) => ({ canary, n })),
  );
  const pages = [2, 4].map((limit) => owner.get(`/v2/queues/${orders}/messages?echo=true&limit=${limit}`));
  const orderMarkers = (await Promise.all(pages)).map(nextMarker);
  const claimed = expectReply(
    await owner.post(`/v2/queues/${orders}/claims?limit=2`, { ttl: 300, grace: 60 }),
    201,
    'claim',
  );
  const claimId = lastSegment(claimed.headers.get('location')!);
  const claimedHrefs = new Map<string, string>(
    claimed.body.messages.map((m: { id: string; href: string }) => [m.id, m.href]),
  );
  const orderHrefs = orderIds.map((id) => claimedHrefs.get(id) ?? `/v2/queues/${orders}/messages/${id}`);

  expectReply(await owner.put(`/v2/queues/${archive}`, { owner: canary }), 201, 'archive');
  const archiveIds = await owner.postMessages(archive, [`${canary} kept`, `${canary} also kept`]);
  const delayed = await owner.post(`/v2/queues/${archive}/messages`, {
    messages: [{ body: `${canary} delayed`, ttl: 300, delay: 240 }],
  });
  archiveIds.push(lastSegment(expectReply(delayed, 201, 'delayed').body.resources[0]));

  expectReply(await owner.put(`/v2/topics/${topic}`, { owner: canary }), 201, 'topic');
  const posted = await owner.post(`/v2/topics/${topic}/messages`, {
    messages: [0, 1, 2].map((n) => ({ body: { canary, n }, ttl: 300 })),
  });
  const topicIds = (expectReply(posted, 201, 'topic messages').body.resources as string[]).map(lastSegment);
  const topicMarkers = [nextMarker(await owner.get(`/v2/topics/${topic}/messages?echo=true&limit=1`))];

  const subscribe = async (base: string, subscriber: string) => {
    const created = await owner.post(`${base}/subscriptions`, { subscriber, ttl: 3600, options: { canary } });
    return expectReply(created, 201, `subscribing ${subscriber}`).body as {
      subscription_id: string;
      signing_secret: string;
    };
  };
  const [confirmed, refused, topicSub] = await Promise.all([
    subscribe(`/v2/queues/${orders}`, subscribers.confirmed),
    subscribe(`/v2/queues/${orders}`, subscribers.refused),
    subscribe(`/v2/topics/${topic}`, subscribers.topic),
  ]);
  // Each is sent Zaqar's SubscriptionConfirmation: the first follows its signed link.
  const [confirmation] = await options.receiver.waitFor(new URL(subscribers.confirmed).pathname, 1);
  const request = JSON.parse(confirmation.body);
  const confirmLink = {
    'URL-Signature': request['URL-Signature'],
    'URL-Expires': request['URL-Expires'],
    'URL-Methods': request['URL-Methods'],
    'URL-Paths': request['URL-Paths'],
    'X-Project-ID': request['X-Project-ID'],
    path: new URL(request.WSGISubscribeURL).pathname,
  };
  const { path: confirmPath, ...confirmFields } = confirmLink;
  const holder = new Caller(baseUrl, { 'Client-ID': CLIENT_ID, ...confirmFields });
  expectReply(await holder.request('PUT', confirmPath, { confirmed: true }), 204, 'confirming');
  await options.receiver.waitFor(new URL(subscribers.topic).pathname, 1);
  const failed = await waitForFailed(owner, `/v2/queues/${orders}/subscriptions/${refused.subscription_id}/failed`);

  const shared = await owner.post(`/v2/queues/${orders}/share`, { paths: ['messages'], methods: ['GET'] });
  const share = { ...signedFields(expectReply(shared, 200, 'share').body), 'X-Project-ID': project };

  let pooled: Holdings['pooled'];
  if (options.poolUri) {
    const admin = owner.with(ADMIN);
    const [pool, flavor, vault] = [`pool-${suffix}`, `gold-${suffix}`, `vault-${suffix}`];
    const poolDocument = { uri: options.poolUri, weight: 1, flavor, options: { canary } };
    expectReply(await admin.put(`/v2/pools/${pool}`, poolDocument), 201, 'pool');
    expectReply(await admin.put(`/v2/flavors/${flavor}`, { pool_list: [pool] }), 201, 'flavor');
    expectReply(await owner.put(`/v2/queues/${vault}`, { _flavor: flavor, owner: canary }), 201, 'vault');
    pooled = { pool, flavor, vault, vaultIds: await owner.postMessages(vault, [`${canary} in the vault`]) };
  }

  return {
    project,
    suffix,
    orders,
    archive,
    topic,
    orderIds,
    orderHrefs,
    claimId,
    orderMarkers,
    archiveIds,
    topicIds,
    topicMarkers,
    subscriptions: {
      confirmed: confirmed.subscription_id,
      refused: refused.subscription_id,
      topic: topicSub.subscription_id,
    },
    failedIds: failed,
    subscribers,
    secrets: [canary, confirmed.signing_secret, refused.signing_secret, topicSub.signing_secret],
    share,
    confirmLink,
    pooled,
  };
}

async function waitForFailed(owner: Caller, path: string): Promise<string[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const listed = expectReply(await owner.get(path), 200, 'failed list');
    if (listed.body.failed.length) return listed.body.failed.map((entry: { id: string }) => entry.id);
    if (Date.now() > deadline) throw new Error(`${path} stayed empty`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Deletes everything the project holds, so that its identifiers exist nowhere any more. */
export async function deleteState(baseUrl: string, holdings: Holdings): Promise<void> {
  const owner = new Caller(baseUrl, { ...noauth(holdings.project), 'Client-ID': CLIENT_ID });
  const deletions = [
    ...Object.values(holdings.subscriptions).map((id, i) =>
      owner.delete(`${i < 2 ? `/v2/queues/${holdings.orders}` : `/v2/topics/${holdings.topic}`}/subscriptions/${id}`),
    ),
    owner.delete(`/v2/queues/${holdings.orders}`),
    owner.delete(`/v2/queues/${holdings.archive}`),
    owner.delete(`/v2/topics/${holdings.topic}`),
  ];
  for (const reply of await Promise.all(deletions)) expectReply(reply, 204, 'deleting');
  if (holdings.pooled) {
    const admin = owner.with(ADMIN);
    expectReply(await owner.delete(`/v2/queues/${holdings.pooled.vault}`), 204, 'vault');
    expectReply(await admin.delete(`/v2/flavors/${holdings.pooled.flavor}`), 204, 'flavor');
    expectReply(await admin.delete(`/v2/pools/${holdings.pooled.pool}`), 204, 'pool');
  }
}

/** Every identifier of the holdings, in a fixed order: the phantom's and A's pair up by position. */
export function identifiersOf(h: Holdings): string[] {
  return [
    h.project,
    ...h.orderIds,
    h.claimId,
    ...h.archiveIds,
    ...h.topicIds,
    ...Object.values(h.subscriptions),
    h.share['URL-Signature'],
    h.confirmLink['URL-Signature'],
    ...(h.pooled?.vaultIds ?? []),
  ];
}

/** Removes what changes with time alone (ages), so two views of an unchanged state are equal. */
function timeless(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(timeless);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'age')
      .map(([key, inner]) => [key, timeless(inner)]),
  );
}

/**
 * Everything the owner sees of its state, over REST: listings (plain, detailed, v1.1), each
 * queue's and topic's metadata, stats, messages (listed, from each marker, by ids, one by one), the claim, every
 * subscription and failed list, and with pooling its pool and flavor. Ages removed; the rest is
 * compared byte for byte.
 */
export async function viewOf(baseUrl: string, h: Holdings): Promise<string> {
  const owner = new Caller(baseUrl, { ...noauth(h.project), 'Client-ID': CLIENT_ID });
  const admin = owner.with(ADMIN);
  const all = 'echo=true&include_claimed=true&include_delayed=true';
  const spaces = [
    {
      base: `/v2/queues/${h.orders}`,
      ids: h.orderIds,
      subscriptions: [h.subscriptions.confirmed, h.subscriptions.refused],
    },
    { base: `/v2/queues/${h.archive}`, ids: h.archiveIds, subscriptions: [] },
    { base: `/v2/topics/${h.topic}`, ids: h.topicIds, subscriptions: [h.subscriptions.topic] },
    ...(h.pooled ? [{ base: `/v2/queues/${h.pooled.vault}`, ids: h.pooled.vaultIds, subscriptions: [] }] : []),
  ];
  const paths = [
    '/v2/queues',
    '/v2/queues?detailed=true',
    '/v2/topics?detailed=true',
    '/v1.1/queues?detailed=true',
    `/v1.1/queues/${h.orders}`,
    `/v1.1/queues/${h.orders}/stats`,
    `/v1.1/queues/${h.orders}/messages?${all}`,
    `/v1.1/queues/${h.orders}/claims/${h.claimId}`,
    `/v2/queues/${h.orders}/claims/${h.claimId}`,
    ...h.orderMarkers.map((marker) => `/v2/queues/${h.orders}/messages?${all}&marker=${marker}`),
    ...h.topicMarkers.map((marker) => `/v2/topics/${h.topic}/messages?${all}&marker=${marker}`),
    ...spaces.flatMap(({ base, ids, subscriptions }) => [
      base,
      `${base}/stats`,
      `${base}/messages?${all}`,
      `${base}/messages?ids=${ids.join(',')}`,
      ...ids.map((id) => `${base}/messages/${id}`),
      `${base}/subscriptions`,
      ...subscriptions.flatMap((id) => [`${base}/subscriptions/${id}`, `${base}/subscriptions/${id}/failed`]),
    ]),
  ];
  const adminPaths = h.pooled
    ? [
        '/v2/pools?detailed=true',
        `/v2/pools/${h.pooled.pool}`,
        '/v2/flavors?detailed=true',
        `/v2/flavors/${h.pooled.flavor}`,
      ]
    : [];
  const replies = await Promise.all([
    ...paths.map((path) => owner.get(path)),
    ...adminPaths.map((path) => admin.get(path)),
  ]);
  const view = [...paths, ...adminPaths].map((path, i) => [path, replies[i].status, timeless(replies[i].body)]);
  return JSON.stringify(view, null, 1);
}

/** The value with every leaf replaced by its type: how answers that hold fresh ids are compared. */
export function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (value === null || typeof value !== 'object') return value === null ? null : typeof value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shapeOf(inner)]));
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const MARKER = /(marker=|"marker":")(\d+)(?!\d)/g;
const markersIn = (text: string) => [...text.matchAll(MARKER)].map((match) => match[2]);

/**
 * Rewrites an answer to the phantom's request as the answer to A's: the phantom's identifiers
 * (and the control's project) as A's (and the stranger's), all in one pass, so that no rewritten
 * value is rewritten again. Markers are numbers, which pools may share: each is rewritten as the
 * one in the same place of A's request.
 */
export function translator(phantom: Holdings, victim: Holdings) {
  const strings = new Map(identifiersOf(phantom).map((id, i) => [id, identifiersOf(victim)[i]]));
  strings.set(phantom.suffix, victim.suffix);
  return (text: string, [control, theirs]: [string, unknown], [stranger, ours]: [string, unknown]) => {
    const map = new Map([...strings, [control, stranger]]);
    const anyOf = new RegExp(
      [...map.keys()]
        .sort((x, y) => y.length - x.length)
        .map(escaped)
        .join('|'),
      'g',
    );
    const asOurs = markersIn(JSON.stringify(ours));
    const markers = new Map(markersIn(JSON.stringify(theirs)).map((marker, i) => [marker, asOurs[i]]));
    return text
      .replace(anyOf, (found) => map.get(found)!)
      .replace(MARKER, (_found, before: string, n: string) => before + (markers.get(n) ?? n));
  };
}
