import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { BACKENDS, sqliteBackend, TestBackend } from '../support/backends';
import { pooledBackend } from '../support/pooled-backend';
import type { RouteInventory } from '../support/route-inventory';
import { rawRequest } from '../support/raw-request';
import { freePort, startServer, StartedServer } from '../support/server';
import { until } from '../support/wait';
import { WebhookReceiver } from '../support/webhook-receiver';
import { ZaqarSocket } from '../support/zaqar-socket';
import { ZaqarSocketio } from '../support/zaqar-socketio';
import { Caller, noauth, Reply, sleep, zaqarError } from './auth-support';
import {
  type Frame,
  isPoolingRoute,
  type Probe,
  REST_CASES,
  REST_EXEMPT,
  SOCKET_CASES,
  SOCKET_EXEMPT,
} from './tenancy-cases';
import {
  buildState,
  canaryOf,
  CLIENT_ID,
  deleteState,
  type Holdings,
  identifiersOf,
  shapeOf,
  subscriberAnswer,
  translator,
  viewOf,
} from './tenancy-state';

/**
 * The tenancy sweep: for every REST route the server documents and every socket action it answers,
 * a second project (B), knowing every name, id, href, marker, claim id and subscription id of the
 * first's (A's), sees, changes and counts nothing of A's. For each route B tries A's identifiers
 * three ways: as a project holding nothing (its answer must be Zaqar's for a missing resource, and
 * equal to the one it gets with a phantom's identifiers, which exist nowhere: B learns nothing,
 * not even that A's exist), as a namesake holding same-named queues, topics and subscriptions of
 * its own, and through the URLs A signed. No answer may carry A's data, and A's whole view is byte
 * for byte what it was. Every storage back end, and pooling (whose pools and flavors routes it adds).
 */

const REPO = path.resolve(__dirname, '../..');
const run = promisify(execFile);
const SECRET = 'tenancy-sweep-secret';
/** Zaqar's answer to every signed request that is invalid or does not cover the request. */
const REFUSED = zaqarError('Not found', 'The signed URL is invalid, expired, or does not cover this request.');
/** Longer than the metadata and stats caches (METADATA_CACHE_MS, STATS_CACHE_MS), so the last view reads the store. */
const CACHES_MS = 1200;

/** The socket actions the built server answers, taken by the compiled route-inventory script. */
async function socketActions(): Promise<string[]> {
  const backend = await sqliteBackend();
  try {
    const script = path.join(REPO, 'dist/test/support/route-inventory.js');
    const env = { ...process.env, STORAGE_URL: backend.url, WS_PORT: 'off', LOG_LEVEL: 'warn' };
    const { stdout } = await run(process.execPath, [script], { env, maxBuffer: 16 * 1024 * 1024 });
    return (JSON.parse(stdout) as RouteInventory).socketActions;
  } finally {
    await backend.drop();
  }
}

/** "GET /v2/queues/{queue}" for each operation of a served OpenAPI document. */
async function documentedRoutes(server: StartedServer): Promise<string[]> {
  const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, object> };
  return Object.entries(document.paths).flatMap(([route, item]) =>
    Object.keys(item)
      .filter((method) => ['get', 'put', 'post', 'patch', 'delete'].includes(method))
      .map((method) => `${method.toUpperCase()} ${route}`),
  );
}

const newProject = (role: string) => `${role}-${randomUUID()}`;
const intruder = (baseUrl: string, project: string) =>
  new Caller(baseUrl, { ...noauth(project), 'Client-ID': CLIENT_ID });

const statusFor = (status: Probe['status'], namesake: boolean) =>
  Array.isArray(status) ? status[namesake ? 1 : 0] : status;

/**
 * The configurations swept: each storage back end on its own, and pooling over both (which adds
 * the pools and flavors routes and places a queue of A's on A's own pool by flavor).
 */
const CONFIGURATIONS: Array<[string, () => Promise<TestBackend>]> = [...BACKENDS, ['pooled', pooledBackend]];

let actions: string[];
beforeAll(async () => {
  actions = await socketActions();
});

describe.each(CONFIGURATIONS)('tenancy sweep [%s]', (configuration, makeBackend) => {
  const pooling = configuration === 'pooled';
  const restKeys = Object.keys(REST_CASES).filter((key) => pooling || !isPoolingRoute(key));
  const socketKeys = Object.keys(SOCKET_CASES);
  const stores: TestBackend[] = [];
  let server: StartedServer;
  let wsPort: number;
  let receiver: WebhookReceiver;
  /** The victim, and the phantom built the same way and deleted. */
  let a: Holdings;
  let phantom: Holdings;
  let before: string;
  let translate: ReturnType<typeof translator>;
  /** Everything of A's no answer to anyone else may hold. */
  let secrets: string[];

  beforeAll(async () => {
    const backend = await makeBackend();
    stores.push(backend);
    receiver = await WebhookReceiver.start();
    receiver.answer = subscriberAnswer;
    wsPort = await freePort();
    server = await startServer({
      storageUrl: backend.url,
      env: {
        ...backend.env,
        WS_PORT: String(wsPort),
        SIGNED_URL_SECRET_KEY: SECRET,
        REQUIRE_CONFIRMATION: 'true',
        ENABLE_DEPRECATED_API_VERSIONS: '1.1',
      },
    });
    const poolUri = async () => {
      const pool = await sqliteBackend();
      stores.push(pool);
      return pool.url;
    };
    [a, phantom] = await Promise.all([
      buildState(server.url, 'a', { receiver, poolUri: pooling ? await poolUri() : undefined }),
      buildState(server.url, 'z', { receiver, poolUri: pooling ? await poolUri() : undefined }),
    ]);
    await deleteState(server.url, phantom);
    translate = translator(phantom, a);
    secrets = a.secrets;
    before = await viewOf(server.url, a);
  });

  afterAll(async () => {
    await server?.kill();
    await receiver?.stop();
    await Promise.all(stores.map((store) => store.drop()));
  });

  /** Fails if `answer` holds a secret of A's, or an identifier of A's that `request` did not carry. */
  function expectNothingOfA(what: string, answer: string, request: string): void {
    const shown = [...secrets, ...identifiersOf(a)].filter(
      (value) => answer.includes(value) && !request.includes(value),
    );
    expect([what, shown]).toEqual([what, []]);
  }

  const send = (caller: Caller, probe: Probe) => caller.request(probe.method, probe.path, probe.body, probe.headers);
  const restAnswer = (reply: Reply) =>
    JSON.stringify({ status: reply.status, location: reply.headers.get('location'), body: reply.body });

  /** Same-named queues, a topic and subscriptions of B's own, with messages and a claim. */
  async function namesakeOf(project: string): Promise<void> {
    const b = intruder(server.url, project);
    const replies = await Promise.all([
      b.put(`/v2/queues/${a.orders}`, { owner: 'namesake' }),
      b.put(`/v2/queues/${a.archive}`, { owner: 'namesake' }),
      b.put(`/v2/topics/${a.topic}`, { owner: 'namesake' }),
      ...(a.pooled ? [b.put(`/v2/queues/${a.pooled.vault}`, { owner: 'namesake' })] : []),
    ]);
    expect(replies.map((reply) => reply.status)).toEqual(replies.map(() => 201));
    await b.postMessages(a.orders, ['namesake 1', 'namesake 2']);
    await b.claim(a.orders, 1);
    const posted = await b.post(`/v2/topics/${a.topic}/messages`, { messages: [{ body: 'namesake', ttl: 300 }] });
    const subscribed = await Promise.all([
      b.post(`/v2/queues/${a.orders}/subscriptions`, { subscriber: a.subscribers.confirmed, ttl: 600 }),
      b.post(`/v2/topics/${a.topic}/subscriptions`, { subscriber: a.subscribers.topic, ttl: 600 }),
    ]);
    expect([posted.status, ...subscribed.map((reply) => reply.status)]).toEqual([201, 201, 201]);
  }

  it('has a case for every route it documents, and an exemption with a reason for each of the rest', async () => {
    const documented = await documentedRoutes(server);
    const exempt = Object.keys(REST_EXEMPT);
    expect(documented.filter((key) => !exempt.includes(key)).sort()).toEqual([...restKeys].sort());
    expect(exempt.filter((key) => !documented.includes(key))).toEqual([]);
    // v1.1 is on; the pools and flavors routes are served with pooling alone
    expect(documented.some((key) => key.startsWith('GET /v1.1/queues'))).toBe(true);
    expect(documented.some(isPoolingRoute)).toBe(pooling);
  });

  it('has a case for every socket action it answers, and an exemption with a reason for each of the rest', () => {
    const exempt = Object.keys(SOCKET_EXEMPT);
    expect(actions.filter((action) => !exempt.includes(action)).sort()).toEqual([...socketKeys].sort());
    expect(exempt.filter((action) => !actions.includes(action))).toEqual([]);
  });

  describe('over REST', () => {
    it.each(restKeys)("%s: B sees, changes and counts nothing of A's", async (key) => {
      const ours = REST_CASES[key](a);
      const theirs = REST_CASES[key](phantom);
      const [stranger, control] = [newProject('stranger'), newProject('control')];
      for (const [i, probe] of ours.entries()) {
        const what = `${probe.method} ${probe.path}`;
        const got = await send(intruder(server.url, stranger), probe);
        const expected = await send(intruder(server.url, control), theirs[i]);
        expect([what, got.status]).toEqual([what, statusFor(probe.status, false)]);
        expectNothingOfA(what, got.text + got.headers.get('location'), JSON.stringify(probe));
        if (probe.creates) {
          expect([what, shapeOf(got.body)]).toEqual([what, shapeOf(expected.body)]);
        } else {
          expect([what, restAnswer(got)]).toEqual([
            what,
            translate(restAnswer(expected), [control, theirs[i]], [stranger, probe]),
          ]);
        }
      }
      const namesake = newProject('namesake');
      await namesakeOf(namesake);
      for (const probe of ours) {
        const what = `${probe.method} ${probe.path} (namesake)`;
        const got = await send(intruder(server.url, namesake), probe);
        expect([what, got.status]).toEqual([what, statusFor(probe.status, true)]);
        expectNothingOfA(what, got.text + got.headers.get('location'), JSON.stringify(probe));
      }
      expect(await viewOf(server.url, a)).toBe(before);
    });
  });

  describe.each([
    ['WebSocket', async () => ZaqarSocket.open(wsPort)],
    ['Socket.IO', async () => ZaqarSocketio.open(server.port)],
  ] as const)('over %s', (_transport, open) => {
    let socket: ZaqarSocket | ZaqarSocketio;
    beforeAll(async () => {
      socket = await open();
    });
    afterAll(() => socket?.close());

    const call = (frame: Pick<Frame, 'action' | 'body'>, project: string): Promise<any> => {
      const headers = { 'Client-ID': CLIENT_ID, 'X-Project-ID': project };
      return socket instanceof ZaqarSocket
        ? socket.call({ action: frame.action, headers, body: frame.body })
        : socket.call(frame.action, headers, frame.body);
    };

    it.each(socketKeys)("%s: B sees, changes and counts nothing of A's", async (key) => {
      const ours = SOCKET_CASES[key](a);
      const theirs = SOCKET_CASES[key](phantom);
      const [stranger, control] = [newProject('stranger'), newProject('control')];
      for (const [i, frame] of ours.entries()) {
        const what = `${frame.action} ${JSON.stringify(frame.body)}`;
        const got = await call(frame, stranger);
        const expected = await call(theirs[i], control);
        expect([what, got.headers.status]).toEqual([what, statusFor(frame.status, false)]);
        expectNothingOfA(what, JSON.stringify(got), JSON.stringify(frame));
        if (frame.creates) {
          expect([what, shapeOf(got.body)]).toEqual([what, shapeOf(expected.body)]);
        } else {
          expect([what, JSON.stringify(got)]).toEqual([
            what,
            translate(JSON.stringify(expected), [control, theirs[i]], [stranger, frame]),
          ]);
        }
      }
      const namesake = newProject('namesake');
      await namesakeOf(namesake);
      for (const frame of ours) {
        const what = `${frame.action} ${JSON.stringify(frame.body)} (namesake)`;
        const got = await call(frame, namesake);
        expect([what, got.headers.status]).toEqual([what, statusFor(frame.status, true)]);
        expectNothingOfA(what, JSON.stringify(got), JSON.stringify(frame));
      }
      expect(await viewOf(server.url, a)).toBe(before);
    });

    it("a project id that spells A's topic key (a control character, then A's id) is refused", async () => {
      const got = await call(
        { action: 'topic_get_stats', body: { topic_name: a.topic } },
        `\u001ftopics\u001f${a.project}`,
      );
      expect(got.headers.status).toBe(400);
      expectNothingOfA('topic key', JSON.stringify(got), a.project);
    });
  });

  /** Every probe of every REST case against A's identifiers. */
  const everyProbe = () => restKeys.flatMap((key) => REST_CASES[key](a));

  /** What A's share signed: GET on orders' messages and below. */
  const coveredByShare = (probe: Probe) =>
    probe.method === 'GET' && probe.path.startsWith(`/v2/queues/${a.orders}/messages`);

  it("a URL A signed for GET on one queue's messages opens no other path, method or project", async () => {
    const guest = new Caller(server.url, { 'Client-ID': CLIENT_ID, ...a.share });
    for (const probe of everyProbe()) {
      const what = `${probe.method} ${probe.path}`;
      if (!coveredByShare(probe)) expect([what, (await send(guest, probe)).body]).toEqual([what, REFUSED]);
      // signed for A: any other project named with it breaks the signature
      const asB = await send(guest.with({ 'X-Project-ID': newProject('stranger') }), probe);
      expect([what, asB.body]).toEqual([what, REFUSED]);
    }
    expect((await guest.get(`/v2/queues/${a.orders}/messages?echo=true`)).status).toBe(200); // what it is for
  });

  it("a signed path hidden after '#' in the request target covers nothing: the router ignores what follows", async () => {
    const signed = Object.entries(a.share) as Array<[string, string]>;
    for (const probe of everyProbe().filter((probe) => !coveredByShare(probe))) {
      const target = `${probe.path}#/v2/queues/${a.orders}/messages`;
      const got = await rawRequest(server.url, probe.method, target, [['Client-ID', CLIENT_ID], ...signed], probe.body);
      expect([probe.method, target, got.body]).toEqual([probe.method, target, REFUSED]);
    }
  });

  it("the signed link that confirms one of A's subscriptions opens nothing else", async () => {
    const { path: confirmPath, ...fields } = a.confirmLink;
    const holder = new Caller(server.url, { 'Client-ID': CLIENT_ID, ...fields });
    for (const probe of everyProbe()) {
      const what = `${probe.method} ${probe.path}`;
      if (probe.method !== 'PUT' || probe.path !== confirmPath) {
        expect([what, (await send(holder, probe)).body]).toEqual([what, REFUSED]);
      }
    }
    const forB = holder.with({ 'X-Project-ID': newProject('stranger') });
    expect((await forB.request('PUT', confirmPath, { confirmed: false })).body).toEqual(REFUSED);
  });

  it('noauth trusts X-Project-ID as the credential: its case does not matter, and repeated ones name a third project', async () => {
    const queues = (reply: { body: any }) => (reply.body.queues as Array<{ name: string }>).map((queue) => queue.name);
    const stranger = newProject('stranger');
    // HTTP header names are case-insensitive: whoever sends A's id is A, which is why noauth
    // belongs behind a proxy that sets the header (docs/security.md)
    const cased = await rawRequest(server.url, 'GET', '/v2/queues', [
      ['Client-ID', CLIENT_ID],
      ['x-PROJECT-id', a.project],
    ]);
    expect(queues(cased)).toContain(a.orders);
    // Repeated, Node joins them with ", " as a WSGI server would: "B, A" is neither B nor A
    const repeated: Array<[string, string]> = [
      ['Client-ID', CLIENT_ID],
      ['X-Project-ID', stranger],
      ['X-Project-ID', a.project],
    ];
    expect(queues(await rawRequest(server.url, 'GET', '/v2/queues', repeated))).toEqual([]);
    const stats = await rawRequest(server.url, 'GET', `/v2/queues/${a.orders}/stats`, repeated);
    expect(stats.body).toEqual({ messages: { claimed: 0, free: 0, total: 0 } });
    const created = await rawRequest(server.url, 'PUT', `/v2/queues/${a.orders}`, repeated, { owner: 'intruder' });
    expect(created.status).toBe(201);
    const joined = intruder(server.url, `${stranger}, ${a.project}`);
    expect(queues(await joined.get('/v2/queues'))).toEqual([a.orders]);
    expect((await joined.get(`/v2/queues/${a.orders}`)).body.owner).toBe('intruder');
    expect(await viewOf(server.url, a)).toBe(before);
  });

  it('over sockets a frame names its project in JSON: a second spelling of the header wins, as its last key', async () => {
    const socket = await ZaqarSocket.open(wsPort);
    try {
      const stranger = newProject('stranger');
      const frame = (headers: Record<string, string>) =>
        socket.call({ action: 'queue_list', headers: { 'Client-ID': CLIENT_ID, ...headers }, body: {} });
      const names = (answer: any) => (answer.body.queues as Array<{ name: string }>).map((queue) => queue.name);
      expect(names(await frame({ 'X-Project-ID': stranger }))).toEqual([]);
      // noauth reads the headers case-insensitively, like HTTP's: the later spelling is the one read
      expect(names(await frame({ 'X-Project-ID': stranger, 'x-project-id': a.project }))).toContain(a.orders);
      expect(names(await frame({ 'x-project-id': a.project, 'X-Project-ID': stranger }))).toEqual([]);
    } finally {
      socket.close();
    }
  });

  it("serves its pages and documents to every project alike: nothing there is a project's", async () => {
    for (const page of ['/openapi.json', '/docs', '/dashboard/']) {
      const answers = await Promise.all(
        [noauth(a.project), noauth(newProject('stranger')), {}].map(async (headers) => {
          const res = await fetch(server.url + page, { headers: headers as Record<string, string> });
          return [res.status, await res.text()];
        }),
      );
      expect([page, answers[0][0]]).toEqual([page, 200]);
      expect(answers[1]).toEqual(answers[0]);
      expect(answers[2]).toEqual(answers[0]);
    }
  });

  if (pooling) {
    it("pools are the operator's, without a project (as in Zaqar): any admin sees them, but no other project's flavor", async () => {
      const admin = intruder(server.url, newProject('admin')).with({ 'X-Roles': 'admin' });
      const pools = await admin.get('/v2/pools');
      expect(pools.body.pools.map((pool: { name: string }) => pool.name)).toContain(a.pooled!.pool);
      expect((await admin.get(`/v2/flavors/${a.pooled!.flavor}`)).status).toBe(404);
      expect((await admin.get('/v2/flavors?detailed=true')).body.flavors).toEqual([]);
      expect((await admin.get(`/v2/queues/${a.pooled!.vault}/stats`)).body.messages.total).toBe(0);
    });
  }

  it("afterwards A's whole state is byte for byte what it was, read from the store", async () => {
    await sleep(CACHES_MS);
    expect(await viewOf(server.url, a)).toBe(before);
  });

  it("A's next message reaches A's subscribers alone: not B's sockets, B's waiting claims or any other queue's subscribers", async () => {
    const owner = intruder(server.url, a.project);
    const strangerProject = newProject('stranger');
    const stranger = intruder(server.url, strangerProject);
    const [mine, theirs] = await Promise.all([ZaqarSocket.open(wsPort), ZaqarSocket.open(wsPort)]);
    try {
      const subscribe = (socket: ZaqarSocket, project: string) =>
        socket.call({
          action: 'subscription_create',
          headers: { 'Client-ID': CLIENT_ID, 'X-Project-ID': project },
          body: { queue_name: a.orders, ttl: 600 },
        });
      expect((await subscribe(mine, a.project)).headers.status).toBe(201);
      expect((await subscribe(theirs, strangerProject)).headers.status).toBe(201);
      const waiting = stranger.post(`/v2/queues/${a.orders}/claims?wait=2`, { ttl: 60, grace: 60 });
      const listing = stranger.get(`/v2/queues/${a.orders}/messages?echo=true&wait=2`);
      await sleep(300);
      await owner.postMessages(a.orders, [{ canary: canaryOf(a.suffix), n: 'last' }]);
      expect((await waiting).status).toBe(204);
      expect((await listing).body.messages).toEqual([]);
      await until(() => mine.pushes.length === 1);
      const [notified] = await receiver.waitFor(new URL(a.subscribers.confirmed).pathname, 1, 10_000, (request) =>
        request.body.includes('"Notification"'),
      );
      expect(JSON.parse(notified.body).body).toEqual({ canary: canaryOf(a.suffix), n: 'last' });
      await sleep(500);
      expect(theirs.pushes).toEqual([]);
      // every notification any subscriber of A's got is A's own; B's subscriptions to A's URLs stay unconfirmed
      const notifications = receiver.received.filter((request) => request.body.includes('"Notification"'));
      expect(notifications.map((request) => request.path)).toEqual([new URL(a.subscribers.confirmed).pathname]);
    } finally {
      mine.close();
      theirs.close();
    }
  });
});
