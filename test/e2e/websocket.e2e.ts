import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BACKENDS } from '../support/backends';
import { serversOnFreshStore } from '../support/lifecycle';
import { freePort } from '../support/server';
import { type Frame, ZaqarSocket } from '../support/zaqar-socket';
import { until } from '../support/wait';

const deniedPolicy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ws-policy-')), 'policy.json');
fs.writeFileSync(deniedPolicy, JSON.stringify({ 'queues:delete': 'role:admin' }));

describe.each(BACKENDS)("Zaqar's WebSocket protocol [%s]", (_name, makeBackend) => {
  const env: Record<string, string> = { POLICY_FILE: deniedPolicy };
  beforeAll(async () => {
    env.WS_PORT = String(await freePort());
  });
  serversOnFreshStore(makeBackend, 1, env);
  let ws: ZaqarSocket;
  let headers: Record<string, string>;

  beforeEach(async () => {
    ws = await ZaqarSocket.open(Number(env.WS_PORT));
    headers = { 'Client-ID': randomUUID(), 'X-Project-ID': `p-${randomUUID().slice(0, 8)}` };
  });
  afterEach(() => ws.close());

  const act = (action: string, body: Frame = {}, extra: Frame = {}) =>
    ws.call({ action, headers: { ...headers, ...extra }, body });

  it('answers queue_create in the envelope Zaqar frames: the request echoed, the status in headers', async () => {
    const answer = await act('queue_create', { queue_name: 'jobs', metadata: { a: 1 } });
    expect(answer).toEqual({
      request: { action: 'queue_create', body: { queue_name: 'jobs', metadata: { a: 1 } }, headers, api: 'v2' },
      body: 'Queue jobs created.',
      headers: { status: 201 },
    });
    expect((await act('queue_create', { queue_name: 'jobs' })).headers).toEqual({ status: 204 });
  });

  it('queues: get, list, stats, delete', async () => {
    await act('queue_create', { queue_name: 'q1', metadata: { colour: 'blue' } });
    await act('queue_create', { queue_name: 'q2' });
    const got = await act('queue_get', { queue_name: 'q1' });
    expect([got.headers.status, got.body.colour]).toEqual([200, 'blue']);
    const listed = await act('queue_list', { limit: 1 });
    expect([listed.headers.status, listed.body]).toEqual([200, { queues: [{ name: 'q1' }] }]);
    const detailed = await act('queue_list', { detailed: true });
    expect(detailed.body.queues.map((q: { name: string }) => q.name)).toEqual(['q1', 'q2']);
    expect(detailed.body.queues[0].metadata).toMatchObject({ colour: 'blue' });
    const stats = await act('queue_get_stats', { queue_name: 'q1' });
    expect([stats.headers.status, stats.body.messages]).toEqual([200, { claimed: 0, free: 0, total: 0 }]);
    // the policy file keeps queue deletion for admins
    const denied = await act('queue_delete', { queue_name: 'q1' });
    expect([denied.headers.status, denied.body]).toEqual([
      403,
      { exception: 'queues:delete is disallowed by policy.', error: 'queues:delete is disallowed by policy.' },
    ]);
    const deleted = await act('queue_delete', { queue_name: 'q1' }, { 'X-Roles': 'admin' });
    expect([deleted.headers.status, deleted.body]).toEqual([204, 'Queue q1 removed.']);
    expect((await act('queue_list')).body).toEqual({ queues: [{ name: 'q2' }] });
  });

  it('messages: post, list, get, delete, with Zaqar socket message shapes', async () => {
    const posted = await act('message_post', {
      queue_name: 'm',
      messages: [{ body: { n: 1 }, ttl: 300 }, { body: 2 }],
    });
    expect(posted.headers.status).toBe(201);
    const ids = posted.body.message_ids as string[];
    expect(ids).toHaveLength(2);
    const listed = await act('message_list', { queue_name: 'm', echo: true });
    expect(listed.headers.status).toBe(200);
    expect(listed.body.messages).toEqual([
      { id: ids[0], claim_id: null, ttl: 300, age: expect.any(Number), body: { n: 1 } },
      { id: ids[1], claim_id: null, ttl: 3600, age: expect.any(Number), body: 2 },
    ]);
    // without echo, a client does not see its own messages, as over REST
    expect((await act('message_list', { queue_name: 'm' })).body.messages).toEqual([]);
    const one = await act('message_get', { queue_name: 'm', message_id: ids[0] });
    expect([one.headers.status, one.body.messages.body]).toEqual([200, { n: 1 }]);
    expect((await act('message_delete', { queue_name: 'm', message_id: ids[0] })).headers.status).toBe(204);
    const gone = await act('message_get', { queue_name: 'm', message_id: ids[0] });
    expect(gone.headers.status).toBe(404);
  });

  it('claims: create, get, update, delete', async () => {
    await act('message_post', { queue_name: 'c', messages: [{ body: 'a' }, { body: 'b' }] });
    const claim = await act('claim_create', { queue_name: 'c', ttl: 60, grace: 60, limit: 1 });
    expect(claim.headers.status).toBe(201);
    const claimId = claim.body.claim_id as string;
    expect(claim.body.messages).toEqual([expect.objectContaining({ claim_id: claimId, body: 'a' })]);
    const got = await act('claim_get', { queue_name: 'c', claim_id: claimId });
    expect([got.headers.status, got.body.ttl, got.body.messages.length]).toEqual([200, 60, 1]);
    const renewed = await act('claim_update', { queue_name: 'c', claim_id: claimId, ttl: 120 });
    expect([renewed.headers.status, renewed.body]).toEqual([204, `Claim ${claimId} updated.`]);
    expect((await act('claim_get', { queue_name: 'c', claim_id: claimId })).body.ttl).toBe(120);
    const released = await act('claim_delete', { queue_name: 'c', claim_id: claimId });
    expect([released.headers.status, released.body]).toEqual([204, `Claim ${claimId} deleted.`]);
    const empty = await act('claim_create', { queue_name: 'empty' });
    expect(empty.headers.status).toBe(204);
  });

  it('queue_get of a queue never created is a 404; queue_purge empties a queue', async () => {
    const missing = await act('queue_get', { queue_name: 'never' });
    expect([missing.headers.status, missing.body.error]).toEqual([404, expect.stringContaining('never')]);
    await act('message_post', { queue_name: 'p', messages: [{ body: 1 }, { body: 2 }] });
    const purged = await act('queue_purge', { queue_name: 'p', resource_types: ['messages'] });
    expect([purged.headers.status, purged.body]).toEqual([204, {}]);
    expect((await act('message_list', { queue_name: 'p', echo: true })).body.messages).toEqual([]);
    const wrong = await act('queue_purge', { queue_name: 'p', resource_types: ['claims'] });
    expect(wrong.headers.status).toBe(400);
  });

  it('messages by ids: get many, delete many, pop', async () => {
    const posted = await act('message_post', { queue_name: 'b', messages: [{ body: 1 }, { body: 2 }, { body: 3 }] });
    const ids = posted.body.message_ids as string[];
    const many = await act('message_get_many', { queue_name: 'b', message_ids: ids.slice(0, 2) });
    expect(many.body.messages.map((m: Frame) => m.body)).toEqual([1, 2]);
    const deleted = await act('message_delete_many', { queue_name: 'b', message_ids: [ids[0]] });
    expect(deleted.headers.status).toBe(204);
    const popped = await act('message_delete_many', { queue_name: 'b', pop: 1 });
    expect([popped.headers.status, popped.body.messages.length]).toEqual([200, 1]);
    const both = await act('message_delete_many', { queue_name: 'b', pop: 1, message_ids: [ids[2]] });
    expect(both.headers.status).toBe(400);
  });

  it('node actions: ping, health (admin by policy), home document; authenticate is a no-op with noauth', async () => {
    expect((await act('ping_node')).headers.status).toBe(204);
    expect((await act('check_node_health')).headers.status).toBe(403);
    const health = await act('check_node_health', {}, { 'X-Roles': 'admin' });
    expect([health.headers.status, health.body.storage_reachable]).toEqual([200, true]);
    expect((await act('get_home_doc')).body.resources).toBeDefined();
    const auth = await ws.call({ action: 'authenticate', headers: { ...headers, 'X-Auth-Token': 'x' } });
    expect([auth.headers.status, auth.body]).toEqual([200, { message: 'Authentified.' }]);
    expect((await ws.call({ action: 'authenticate', headers })).body).toEqual({ error: 'Schema validation failed.' });
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
    const gone = await act('subscription_get', { queue_name: 's', subscription_id: id });
    expect(gone.headers.status).toBe(404);
  });

  it('a subscription without a subscriber pushes each new message to the socket, until it closes', async () => {
    const created = await act('subscription_create', { queue_name: 'live', ttl: 600 });
    expect(created.headers.status).toBe(201);
    const id = created.body.subscription_id as string;
    const shown = await act('subscription_get', { queue_name: 'live', subscription_id: id });
    expect(shown.body.subscriber).toMatch(/^socket:/);
    const producer = await ZaqarSocket.open(Number(env.WS_PORT));
    await producer.call({
      action: 'message_post',
      headers,
      body: { queue_name: 'live', messages: [{ body: 'hi', ttl: 60 }] },
    });
    await until(() => ws.pushes.length === 1);
    expect(ws.pushes[0]).toEqual({ body: 'hi', ttl: 60, queue_name: 'live', Message_Type: 'Notification' });
    // another project's posts to a queue of the same name push nothing
    const stranger = { ...headers, 'X-Project-ID': `p-${randomUUID().slice(0, 8)}` };
    await producer.call({
      action: 'message_post',
      headers: stranger,
      body: { queue_name: 'live', messages: [{ body: 'x' }] },
    });
    ws.close();
    await ws.closed;
    await until(async () => {
      const after = await producer.call({
        action: 'subscription_get',
        headers,
        body: { queue_name: 'live', subscription_id: id },
      });
      return after.headers.status === 404;
    });
    expect(ws.pushes).toHaveLength(1);
    producer.close();
  });

  it('bad frames get an error answer and the connection stays open', async () => {
    const notJson = await ws.raw('{not json');
    expect([notJson.headers.status, notJson.body.error]).toEqual([
      400,
      expect.stringMatching(/^Can't decode text \(JSON\) request\./),
    ]);
    expect((await ws.raw('[1, 2]')).body).toEqual({ error: 'Unexpected body type. Expected dict or dict like.' });
    expect((await ws.raw(Buffer.from([0x81, 0xa1, 0x61]), true)).headers.status).toBe(400);
    expect((await act('queue_explode')).body).toEqual({ error: 'queue_explode is not a valid action' });
    expect((await ws.call({ action: 'queue_list' })).body).toEqual({ error: 'Schema validation failed.' });
    expect((await ws.call({ action: 'queue_list', headers, body: 'x' })).body).toEqual({
      error: 'Schema validation failed.',
    });
    expect((await act('queue_create', {})).body).toEqual({ error: 'Schema validation failed.' });
    expect((await act('queue_create', { queue_name: 7 })).body).toEqual({ error: 'Schema validation failed.' });
    expect((await act('message_post', { queue_name: 'x', messages: 'no' })).body).toEqual({
      error: 'Schema validation failed.',
    });
    const badName = await act('queue_create', { queue_name: 'no spaces allowed' });
    expect(badName.headers.status).toBe(400);
    const badClient = await act('queue_list', {}, { 'Client-ID': 'short' });
    expect(badClient.headers.status).toBe(400);
    const tooBig = await act('message_post', { queue_name: 'big', messages: [{ body: 'x'.repeat(300_000) }] });
    expect(tooBig.headers.status).toBe(400);
    const huge = await act('message_post', { queue_name: 'big', messages: [{ body: 'x'.repeat(2 * 1024 * 1024) }] });
    expect([huge.headers.status, huge.body.error]).toEqual([400, expect.stringMatching(/^Frame too large/)]);
    expect((await act('queue_list')).headers.status).toBe(200);
  });

  it('a frame too large to buffer closes the connection with 1009', async () => {
    ws.socket.send(JSON.stringify({ action: 'queue_list', headers, body: { pad: 'x'.repeat(5 * 1024 * 1024) } }));
    expect(await ws.closed).toBe(1009);
  });

  it("another project's queues and messages are not visible", async () => {
    const posted = await act('message_post', { queue_name: 'private', messages: [{ body: 'secret' }] });
    const [id] = posted.body.message_ids as string[];
    const stranger = { 'X-Project-ID': `p-${randomUUID().slice(0, 8)}` };
    expect((await act('queue_list', {}, stranger)).body).toEqual({ queues: [] });
    expect((await act('message_list', { queue_name: 'private', echo: true }, stranger)).body).toEqual({ messages: [] });
    expect((await act('message_get', { queue_name: 'private', message_id: id }, stranger)).headers.status).toBe(404);
    const missing = await act('message_get', { queue_name: 'private', message_id: id }, stranger);
    expect(missing.body).toEqual({
      exception: expect.stringContaining('does not exist'),
      error: expect.stringContaining('does not exist'),
    });
  });

  it('a client that stops reading its answers is dropped once they pile up', async () => {
    const big = 'x'.repeat(200_000);
    for (let i = 0; i < 10; i++) await act('message_post', { queue_name: 'heavy', messages: [{ body: big }] });
    const tcp = (ws.socket as unknown as { _socket: import('node:net').Socket })._socket;
    tcp.pause();
    // each answer is about 2 MB; the server keeps at most 8 MB unread for a client
    const frame = JSON.stringify({ action: 'message_list', headers, body: { queue_name: 'heavy', echo: true } });
    for (let i = 0; i < 20; i++) ws.socket.send(frame);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    tcp.resume();
    expect(await ws.closed).toBe(1006);
  });

  it('a client that floods requests faster than they are answered is dropped', async () => {
    const frame = JSON.stringify({ action: 'queue_list', headers, body: {} });
    for (let i = 0; i < 5000; i++) ws.socket.send(frame);
    expect(await ws.closed).toBe(1008);
    const fresh = await ZaqarSocket.open(Number(env.WS_PORT));
    expect((await fresh.call({ action: 'queue_list', headers, body: {} })).headers.status).toBe(200);
    fresh.close();
  });
});
