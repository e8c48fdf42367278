import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BACKENDS, sqliteBackend } from '../support/backends';
import { serversOnFreshStore } from '../support/lifecycle';
import { freePort } from '../support/server';
import { until } from '../support/wait';
import { ZaqarSocket } from '../support/zaqar-socket';
import { type Payload, ZaqarSocketio } from '../support/zaqar-socketio';
import { ZaqarClient } from './client';

const deniedPolicy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sio-policy-')), 'policy.json');
fs.writeFileSync(deniedPolicy, JSON.stringify({ 'queues:delete': 'role:admin' }));

describe.each(BACKENDS)("Zaqar's socket protocol over Socket.IO [%s]", (_name, makeBackend) => {
  const env: Record<string, string> = { POLICY_FILE: deniedPolicy };
  beforeAll(async () => {
    env.WS_PORT = String(await freePort());
  });
  const run = serversOnFreshStore(makeBackend, 1, env);
  let sio: ZaqarSocketio;
  let headers: Record<string, string>;
  let rest: ZaqarClient;

  beforeEach(async () => {
    sio = await ZaqarSocketio.open(run.server.port);
    headers = { 'Client-ID': randomUUID(), 'X-Project-ID': `p-${randomUUID().slice(0, 8)}` };
    rest = new ZaqarClient(run.server.url, headers['X-Project-ID']);
  });
  afterEach(() => sio.close());

  const act = (action: string, body: Payload = {}, extra: Payload = {}) =>
    sio.call(action, { ...headers, ...extra }, body);

  it("acknowledges queue_create with Zaqar's envelope: the request echoed, the status in headers", async () => {
    const answer = await act('queue_create', { queue_name: 'jobs', metadata: { a: 1 } });
    expect(answer).toEqual({
      request: { action: 'queue_create', body: { queue_name: 'jobs', metadata: { a: 1 } }, headers, api: 'v2' },
      body: 'Queue jobs created.',
      headers: { status: 201 },
    });
    expect((await act('queue_create', { queue_name: 'jobs' })).headers).toEqual({ status: 204 });
  });

  it('queues: get, list, stats, purge, delete (kept for admins by the policy file)', async () => {
    await act('queue_create', { queue_name: 'q1', metadata: { colour: 'blue' } });
    await act('queue_create', { queue_name: 'q2' });
    const got = await act('queue_get', { queue_name: 'q1' });
    expect([got.headers.status, got.body.colour]).toEqual([200, 'blue']);
    expect((await act('queue_get', { queue_name: 'never' })).headers.status).toBe(404);
    const listed = await act('queue_list', { limit: 1 });
    expect([listed.headers.status, listed.body]).toEqual([200, { queues: [{ name: 'q1' }] }]);
    const stats = await act('queue_get_stats', { queue_name: 'q1' });
    expect([stats.headers.status, stats.body.messages]).toEqual([200, { claimed: 0, free: 0, total: 0 }]);
    await act('message_post', { queue_name: 'q1', messages: [{ body: 1 }] });
    const purged = await act('queue_purge', { queue_name: 'q1', resource_types: ['messages'] });
    expect([purged.headers.status, purged.body]).toEqual([204, {}]);
    const denied = await act('queue_delete', { queue_name: 'q1' });
    expect([denied.headers.status, denied.body]).toEqual([
      403,
      { exception: 'queues:delete is disallowed by policy.', error: 'queues:delete is disallowed by policy.' },
    ]);
    const deleted = await act('queue_delete', { queue_name: 'q1' }, { 'X-Roles': 'admin' });
    expect([deleted.headers.status, deleted.body]).toEqual([204, 'Queue q1 removed.']);
    expect((await act('queue_list')).body).toEqual({ queues: [{ name: 'q2' }] });
  });

  it('messages: post, list, get, get many, delete, delete many, pop', async () => {
    const posted = await act('message_post', {
      queue_name: 'm',
      messages: [{ body: { n: 1 }, ttl: 300 }, { body: 2 }, { body: 3 }],
    });
    expect(posted.headers.status).toBe(201);
    const ids = posted.body.message_ids as string[];
    const listed = await act('message_list', { queue_name: 'm', echo: true });
    expect(listed.body.messages).toEqual([
      { id: ids[0], claim_id: null, ttl: 300, age: expect.any(Number), body: { n: 1 } },
      { id: ids[1], claim_id: null, ttl: 3600, age: expect.any(Number), body: 2 },
      { id: ids[2], claim_id: null, ttl: 3600, age: expect.any(Number), body: 3 },
    ]);
    expect((await act('message_list', { queue_name: 'm' })).body.messages).toEqual([]);
    const one = await act('message_get', { queue_name: 'm', message_id: ids[0] });
    expect([one.headers.status, one.body.messages.body]).toEqual([200, { n: 1 }]);
    const many = await act('message_get_many', { queue_name: 'm', message_ids: ids.slice(0, 2) });
    expect(many.body.messages.map((m: Payload) => m.body)).toEqual([{ n: 1 }, 2]);
    expect((await act('message_delete', { queue_name: 'm', message_id: ids[0] })).headers.status).toBe(204);
    expect((await act('message_get', { queue_name: 'm', message_id: ids[0] })).headers.status).toBe(404);
    expect((await act('message_delete_many', { queue_name: 'm', message_ids: [ids[1]] })).headers.status).toBe(204);
    const popped = await act('message_delete_many', { queue_name: 'm', pop: 1 });
    expect([popped.headers.status, popped.body.messages.map((m: Payload) => m.body)]).toEqual([200, [3]]);
  });

  it('claims: create, get, update, delete; an empty queue claims nothing', async () => {
    await act('message_post', { queue_name: 'c', messages: [{ body: 'a' }, { body: 'b' }] });
    const claim = await act('claim_create', { queue_name: 'c', ttl: 60, grace: 60, limit: 1 });
    expect(claim.headers.status).toBe(201);
    const claimId = claim.body.claim_id as string;
    expect(claim.body.messages).toEqual([expect.objectContaining({ claim_id: claimId, body: 'a' })]);
    const got = await act('claim_get', { queue_name: 'c', claim_id: claimId });
    expect([got.headers.status, got.body.ttl, got.body.messages.length]).toEqual([200, 60, 1]);
    const renewed = await act('claim_update', { queue_name: 'c', claim_id: claimId, ttl: 120 });
    expect([renewed.headers.status, renewed.body]).toEqual([204, `Claim ${claimId} updated.`]);
    const released = await act('claim_delete', { queue_name: 'c', claim_id: claimId });
    expect([released.headers.status, released.body]).toEqual([204, `Claim ${claimId} deleted.`]);
    expect((await act('claim_create', { queue_name: 'empty' })).headers.status).toBe(204);
  });

  it('subscriptions: a webhook subscriber is created, listed, got and deleted like over REST', async () => {
    const created = await act('subscription_create', {
      queue_name: 's',
      subscriber: 'http://127.0.0.1:9/hook',
      ttl: 600,
    });
    expect([created.headers.status, created.body.message]).toEqual([201, 'Subscription s created.']);
    const id = created.body.subscription_id as string;
    const got = await act('subscription_get', { queue_name: 's', subscription_id: id });
    expect(got.body).toMatchObject({ id, source: 's', subscriber: 'http://127.0.0.1:9/hook', ttl: 600 });
    expect((await act('subscription_list', { queue_name: 's' })).body.subscriptions).toHaveLength(1);
    const bad = await act('subscription_create', { queue_name: 's', subscriber: 'ftp://x' });
    expect([bad.headers.status, bad.body.error]).toEqual([400, expect.stringContaining('subscriber type')]);
    const removed = await act('subscription_delete', { queue_name: 's', subscription_id: id });
    expect([removed.headers.status, removed.body]).toEqual([204, `Subscription ${id} removed.`]);
    expect((await act('subscription_get', { queue_name: 's', subscription_id: id })).headers.status).toBe(404);
  });

  it('node actions: ping, health (admin by policy), home document; authenticate is a no-op with noauth', async () => {
    expect((await act('ping_node')).headers.status).toBe(204);
    expect((await act('check_node_health')).headers.status).toBe(403);
    const health = await act('check_node_health', {}, { 'X-Roles': 'admin' });
    expect([health.headers.status, health.body.storage_reachable]).toEqual([200, true]);
    expect((await act('get_home_doc')).body.resources).toBeDefined();
    const auth = await act('authenticate', {}, { 'X-Auth-Token': 'x' });
    expect([auth.headers.status, auth.body]).toEqual([200, { message: 'Authentified.' }]);
    expect((await act('authenticate')).body).toEqual({ error: 'Schema validation failed.' });
  });

  it('a subscription without a subscriber pushes messages posted over REST and WebSocket as notification events, until the socket disconnects', async () => {
    const created = await act('subscription_create', { queue_name: 'live', ttl: 600 });
    expect(created.headers.status).toBe(201);
    const id = created.body.subscription_id as string;
    await rest.postMessages('live', [{ body: 'over rest', ttl: 60 }]);
    const ws = await ZaqarSocket.open(Number(env.WS_PORT));
    await ws.call({ action: 'message_post', headers, body: { queue_name: 'live', messages: [{ body: 'over ws' }] } });
    ws.close();
    await rest.otherProject().postMessages('live', [{ body: 'not yours' }]);
    await until(() => sio.pushes.length === 2);
    expect(sio.pushes).toEqual([
      { body: 'over rest', ttl: 60, queue_name: 'live', Message_Type: 'Notification' },
      { body: 'over ws', ttl: 3600, queue_name: 'live', Message_Type: 'Notification' },
    ]);
    sio.close();
    await until(async () => (await rest.get(`/v2/queues/live/subscriptions/${id}`)).status === 404);
    const after = await ZaqarSocketio.open(run.server.port);
    expect(
      (await after.call('subscription_get', headers, { queue_name: 'live', subscription_id: id })).headers,
    ).toEqual({ status: 404 });
    after.close();
  });

  it('errors are answered and the connection stays: unknown actions, malformed payloads, schema, names', async () => {
    expect(await act('queue_explode')).toEqual({
      request: { action: 'queue_explode', headers, body: {}, api: 'v2' },
      body: { error: 'queue_explode is not a valid action' },
      headers: { status: 400 },
    });
    const schemaFailed = { error: 'Schema validation failed.' };
    expect((await sio.emit('queue_list', 'not an object')).body).toEqual(schemaFailed);
    expect((await sio.emit('queue_list', { headers: 'x', body: {} })).body).toEqual(schemaFailed);
    expect((await sio.emit('queue_list', { headers, body: [1] })).body).toEqual(schemaFailed);
    expect((await sio.emit('queue_list', { body: {} })).body).toEqual(schemaFailed);
    expect((await act('queue_create', {})).body).toEqual(schemaFailed);
    expect((await act('queue_create', { queue_name: 7 })).body).toEqual(schemaFailed);
    expect((await act('message_post', { queue_name: 'x', messages: 'no' })).body).toEqual(schemaFailed);
    expect((await act('queue_create', { queue_name: 'no spaces allowed' })).headers.status).toBe(400);
    expect((await act('queue_list', {}, { 'Client-ID': 'short' })).headers.status).toBe(400);
    const tooBig = await act('message_post', { queue_name: 'big', messages: [{ body: 'x'.repeat(300_000) }] });
    expect(tooBig.headers.status).toBe(400);
    expect((await act('queue_list')).headers.status).toBe(200);
  });

  it('an event sent without an acknowledgement callback is answered with a response event', async () => {
    const answered = new Promise<any>((resolve) => sio.socket.once('response', resolve));
    sio.socket.emit('ping_node', { headers });
    expect(await answered).toEqual({
      request: { action: 'ping_node', headers, body: {}, api: 'v2' },
      body: {},
      headers: { status: 204 },
    });
  });

  it("another project's queues and messages are not visible", async () => {
    const posted = await act('message_post', { queue_name: 'private', messages: [{ body: 'secret' }] });
    const [id] = posted.body.message_ids as string[];
    const stranger = { 'X-Project-ID': `p-${randomUUID().slice(0, 8)}` };
    expect((await act('queue_list', {}, stranger)).body).toEqual({ queues: [] });
    expect((await act('message_list', { queue_name: 'private', echo: true }, stranger)).body).toEqual({ messages: [] });
    const missing = await act('message_get', { queue_name: 'private', message_id: id }, stranger);
    expect([missing.headers.status, missing.body.error]).toEqual([404, expect.stringContaining('does not exist')]);
  });

  it('REST on the same port is unaffected, and Socket.IO answers on the WebSocket transport only', async () => {
    await act('queue_create', { queue_name: 'shared' });
    const listed = await rest.get('/v2/queues');
    expect([listed.status, listed.body.queues.map((q: Payload) => q.name)]).toEqual([200, ['shared']]);
    const polling = await fetch(`${run.server.url}/socket.io/?EIO=4&transport=polling`);
    expect([polling.status, await polling.json()]).toEqual([400, { code: 0, message: 'Transport unknown' }]);
  });

  it('a payload over the size limit drops the connection; the server goes on serving', async () => {
    // ws refuses the frame (maxHttpBufferSize) before any of it is parsed
    sio.socket.emit('message_post', {
      headers,
      body: { queue_name: 'huge', messages: [{ body: 'x'.repeat(2_000_000) }] },
    });
    expect(await sio.disconnected).toBe('transport close');
    const fresh = await ZaqarSocketio.open(run.server.port);
    expect((await fresh.call('queue_list', headers)).headers.status).toBe(200);
    fresh.close();
    expect((await rest.get('/v2/queues')).status).toBe(200);
  });

  it('a client that floods requests faster than they are answered is disconnected', async () => {
    for (let i = 0; i < 5000; i++) sio.socket.emit('queue_list', { headers, body: {} }, () => undefined);
    expect(await sio.disconnected).toBe('io server disconnect');
    const fresh = await ZaqarSocketio.open(run.server.port);
    expect((await fresh.call('queue_list', headers)).headers.status).toBe(200);
    fresh.close();
  });

  it('a client that leaves its answers unread is dropped, and its socket subscriptions end', async () => {
    const big = 'x'.repeat(100_000);
    for (let i = 0; i < 5; i++) await rest.postMessages('unread', [{ body: big }, { body: big }]);
    const id = (await act('subscription_create', { queue_name: 'unread', ttl: 600 })).body.subscription_id as string;
    // stop reading: the server's answers (about 1 MB each) pile up behind a full TCP window
    const tcp = (sio.socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void; resume(): void } } }).ws
      ._socket;
    tcp.pause();
    for (let i = 0; i < 100; i++)
      sio.socket.emit('message_list', { headers, body: { queue_name: 'unread', echo: true } });
    await until(async () => (await rest.get(`/v2/queues/unread/subscriptions/${id}`)).status === 404, 20_000);
    tcp.resume();
    expect(await sio.disconnected).toBe('transport close');
  });
});

describe('SOCKETIO=off', () => {
  const run = serversOnFreshStore(sqliteBackend, 1, { SOCKETIO: 'off' });

  it('serves no Socket.IO: its path is an unknown REST route', async () => {
    const polling = await fetch(`${run.server.url}/socket.io/?EIO=4&transport=polling`);
    expect(polling.status).toBe(404);
    await expect(ZaqarSocketio.open(run.server.port)).rejects.toThrow();
  });
});
