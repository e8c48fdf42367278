import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ZaqarClient } from '../e2e/client';
import type { TestBackend } from './backends';
import { serversOnFreshStore } from './lifecycle';
import { freePort, type StartedServer } from './server';
import { until } from './wait';
import type { Frame } from './zaqar-socket';

/** A connection of either socket transport, as the shared scenarios drive it. */
export interface ProtocolClient {
  /** Sends one request of Zaqar's protocol and waits for its answer (the response envelope). */
  call(action: string, headers: Frame, body?: Frame): Promise<any>;
  /** Notifications its socket subscriptions pushed, in order. */
  readonly pushes: Frame[];
  close(): void;
}

/**
 * For the enclosing describe block: a server on a fresh store, with a WebSocket port of its own and
 * a policy file that keeps queue deletion for admins (the scenarios check a refusal by policy).
 */
export function socketServer(makeBackend: () => Promise<TestBackend>) {
  const policy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'socket-policy-')), 'policy.json');
  fs.writeFileSync(policy, JSON.stringify({ 'queues:delete': 'role:admin' }));
  const env: Record<string, string> = { POLICY_FILE: policy };
  beforeAll(async () => {
    env.WS_PORT = String(await freePort());
  });
  const run = serversOnFreshStore(makeBackend, 1, env);
  return { server: () => run.server, wsPort: () => Number(env.WS_PORT) };
}

/**
 * What every transport of Zaqar's socket protocol must answer alike, for the enclosing describe
 * block, on a server from socketServer; `open` connects one client.
 */
export function protocolScenarios(server: () => StartedServer, open: () => Promise<ProtocolClient>): void {
  let client: ProtocolClient;
  let headers: Record<string, string>;
  let rest: ZaqarClient;

  beforeEach(async () => {
    client = await open();
    headers = { 'Client-ID': randomUUID(), 'X-Project-ID': `p-${randomUUID().slice(0, 8)}` };
    rest = new ZaqarClient(server().url, headers['X-Project-ID']);
  });
  afterEach(() => client.close());

  const act = (action: string, body: Frame = {}, extra: Frame = {}) =>
    client.call(action, { ...headers, ...extra }, body);

  it("answers queue_create in Zaqar's envelope: the request echoed, the status in headers", async () => {
    const answer = await act('queue_create', { queue_name: 'jobs', metadata: { a: 1 } });
    expect(answer).toEqual({
      request: { action: 'queue_create', body: { queue_name: 'jobs', metadata: { a: 1 } }, headers, api: 'v2' },
      body: 'Queue jobs created.',
      headers: { status: 201 },
    });
    expect((await act('queue_create', { queue_name: 'jobs' })).headers).toEqual({ status: 204 });
  });

  it('queues: get (404 if never created), list, stats, purge, delete (kept for admins by the policy file)', async () => {
    await act('queue_create', { queue_name: 'q1', metadata: { colour: 'blue' } });
    await act('queue_create', { queue_name: 'q2' });
    const got = await act('queue_get', { queue_name: 'q1' });
    expect([got.headers.status, got.body.colour]).toEqual([200, 'blue']);
    const missing = await act('queue_get', { queue_name: 'never' });
    expect([missing.headers.status, missing.body.error]).toEqual([404, expect.stringContaining('never')]);
    const listed = await act('queue_list', { limit: 1 });
    expect([listed.headers.status, listed.body]).toEqual([200, { queues: [{ name: 'q1' }] }]);
    const detailed = await act('queue_list', { detailed: true });
    expect(detailed.body.queues.map((q: Frame) => q.name)).toEqual(['q1', 'q2']);
    expect(detailed.body.queues[0].metadata).toMatchObject({ colour: 'blue' });
    const stats = await act('queue_get_stats', { queue_name: 'q1' });
    expect([stats.headers.status, stats.body.messages]).toEqual([200, { claimed: 0, free: 0, total: 0 }]);
    await act('message_post', { queue_name: 'q1', messages: [{ body: 1 }] });
    const purged = await act('queue_purge', { queue_name: 'q1', resource_types: ['messages'] });
    expect([purged.headers.status, purged.body]).toEqual([204, {}]);
    expect((await act('message_list', { queue_name: 'q1', echo: true })).body.messages).toEqual([]);
    expect((await act('queue_purge', { queue_name: 'q1', resource_types: ['claims'] })).headers.status).toBe(400);
    const denied = await act('queue_delete', { queue_name: 'q1' });
    expect([denied.headers.status, denied.body]).toEqual([
      403,
      { exception: 'queues:delete is disallowed by policy.', error: 'queues:delete is disallowed by policy.' },
    ]);
    const deleted = await act('queue_delete', { queue_name: 'q1' }, { 'X-Roles': 'admin' });
    expect([deleted.headers.status, deleted.body]).toEqual([204, 'Queue q1 removed.']);
    expect((await act('queue_list')).body).toEqual({ queues: [{ name: 'q2' }] });
  });

  it("messages: post, list, get, get many, delete, delete many, pop, in Zaqar's socket shapes", async () => {
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
    expect(many.body.messages.map((m: Frame) => m.body)).toEqual([{ n: 1 }, 2]);
    expect((await act('message_delete', { queue_name: 'm', message_id: ids[0] })).headers.status).toBe(204);
    expect((await act('message_get', { queue_name: 'm', message_id: ids[0] })).headers.status).toBe(404);
    expect((await act('message_delete_many', { queue_name: 'm', message_ids: [ids[1]] })).headers.status).toBe(204);
    const both = await act('message_delete_many', { queue_name: 'm', pop: 1, message_ids: [ids[2]] });
    expect(both.headers.status).toBe(400);
    const popped = await act('message_delete_many', { queue_name: 'm', pop: 1 });
    expect([popped.headers.status, popped.body.messages.map((m: Frame) => m.body)]).toEqual([200, [3]]);
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
    expect((await act('claim_get', { queue_name: 'c', claim_id: claimId })).body.ttl).toBe(120);
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

  it('a subscription without a subscriber pushes each new message to the connection, until it closes', async () => {
    const created = await act('subscription_create', { queue_name: 'live', ttl: 600 });
    expect(created.headers.status).toBe(201);
    const id = created.body.subscription_id as string;
    const shown = await act('subscription_get', { queue_name: 'live', subscription_id: id });
    expect(shown.body.subscriber).toMatch(/^socket:/);
    await rest.postMessages('live', [{ body: 'hi', ttl: 60 }]);
    // another project's posts to a queue of the same name push nothing
    await rest.otherProject().postMessages('live', [{ body: 'not yours' }]);
    await rest.postMessages('live', [{ body: 'again' }]);
    await until(() => client.pushes.length === 2);
    expect(client.pushes).toEqual([
      { body: 'hi', ttl: 60, queue_name: 'live', Message_Type: 'Notification' },
      { body: 'again', ttl: 3600, queue_name: 'live', Message_Type: 'Notification' },
    ]);
    client.close();
    await until(async () => (await rest.get(`/v2/queues/live/subscriptions/${id}`)).status === 404);
  });

  it('topics: the topic_* twins of the queue, message and subscription actions, beside a queue of the name', async () => {
    const created = await act('topic_create', { topic_name: 'news', metadata: { a: 1 } });
    expect([created.headers.status, created.body]).toEqual([201, 'Topic news created.']);
    await act('queue_create', { queue_name: 'news' });
    expect((await act('topic_list')).body).toEqual({ topics: [{ name: 'news' }] });
    expect((await act('topic_get', { topic_name: 'news' })).body).toMatchObject({ a: 1 });
    expect((await act('topic_get', { topic_name: 'never' })).headers.status).toBe(404);
    const subscribed = await act('topic_subscription_create', { topic_name: 'news', ttl: 600 });
    expect(subscribed.headers.status).toBe(201);
    const posted = await act('topic_message_post', { topic_name: 'news', messages: [{ body: 'extra', ttl: 60 }] });
    expect(posted.headers.status).toBe(201);
    await act('message_post', { queue_name: 'news', messages: [{ body: 'to the queue' }] });
    await until(() => client.pushes.length === 1);
    expect(client.pushes).toEqual([{ body: 'extra', ttl: 60, queue_name: 'news', Message_Type: 'Notification' }]);
    const listed = await act('topic_message_list', { topic_name: 'news', echo: true });
    expect(listed.body.messages.map((m: Frame) => m.body)).toEqual(['extra']);
    const [id] = posted.body.message_ids as string[];
    expect((await act('topic_message_get', { topic_name: 'news', message_id: id })).body.messages.body).toBe('extra');
    expect((await act('message_get', { queue_name: 'news', message_id: id })).headers.status).toBe(404);
    expect((await act('topic_get_stats', { topic_name: 'news' })).body.messages.total).toBe(1);
    expect((await rest.get('/v2/topics/news/subscriptions')).body.subscriptions).toHaveLength(1);
    expect((await act('topic_claim_create', { topic_name: 'news' })).body).toEqual({
      error: 'topic_claim_create is not a valid action',
    });
    expect((await act('topic_create', { queue_name: 'news' })).body).toEqual({ error: 'Schema validation failed.' });
    // a project id may not pose as the store key of another project's topics
    const posing = await act('queue_list', {}, { 'X-Project-ID': `\u001ftopics\u001f${headers['X-Project-ID']}` });
    expect(posing.headers.status).toBe(400);
    const deleted = await act('topic_delete', { topic_name: 'news' });
    expect([deleted.headers.status, deleted.body]).toEqual([204, 'Topic news removed.']);
    expect((await act('queue_list')).body).toEqual({ queues: [{ name: 'news' }] });
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

  it('requests that break the schema or the rules get a 400 and the connection stays', async () => {
    expect((await act('queue_explode')).body).toEqual({ error: 'queue_explode is not a valid action' });
    const schemaFailed = { error: 'Schema validation failed.' };
    expect((await client.call('queue_list', {}, {})).body).toEqual(schemaFailed);
    expect((await act('queue_create', {})).body).toEqual(schemaFailed);
    expect((await act('queue_create', { queue_name: 7 })).body).toEqual(schemaFailed);
    expect((await act('message_post', { queue_name: 'x', messages: 'no' })).body).toEqual(schemaFailed);
    expect((await act('queue_create', { queue_name: 'no spaces allowed' })).headers.status).toBe(400);
    expect((await act('queue_list', {}, { 'Client-ID': 'short' })).headers.status).toBe(400);
    const tooBig = await act('message_post', { queue_name: 'big', messages: [{ body: 'x'.repeat(300_000) }] });
    expect(tooBig.headers.status).toBe(400);
    expect((await act('queue_list')).headers.status).toBe(200);
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
}
