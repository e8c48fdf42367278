import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BACKENDS } from '../support/backends';
import { serversOnFreshStore } from '../support/lifecycle';
import { WebhookReceiver } from '../support/webhook-receiver';
import { JSON_PATCH, ZaqarClient } from './client';

const SECRET = 'topics-e2e-secret';
/** Topic subscribers confirm as queue subscribers do; topic creation is kept for admins by the policy file. */
function topicServerEnv(): Record<string, string> {
  const policy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'topics-policy-')), 'policy.json');
  fs.writeFileSync(policy, JSON.stringify({ 'topics:delete': 'role:admin' }));
  return { REQUIRE_CONFIRMATION: 'true', SIGNED_URL_SECRET_KEY: SECRET, POLICY_FILE: policy };
}

const RESERVED_DEFAULTS = { _max_messages_post_size: 262144, _default_message_ttl: 3600, _default_message_delay: 0 };

describe.each(BACKENDS)('topics [%s]', (_name, makeBackend) => {
  const running = serversOnFreshStore(makeBackend, 1, topicServerEnv());
  let api: ZaqarClient;
  let admin: ZaqarClient;

  beforeEach(() => {
    api = new ZaqarClient(running.server.url);
    admin = api.withRoles('admin');
  });

  describe('lifecycle', () => {
    it('PUT creates (201, then 204), GET shows the metadata with the reserved keys Zaqar lists for topics', async () => {
      const created = await api.put('/v2/topics/news', { json: { colour: 'blue' } });
      expect([created.status, created.headers.get('location')]).toEqual([201, '/v2/topics/news']);
      expect((await api.put('/v2/topics/news', { json: { colour: 'red' } })).status).toBe(204);
      const got = await api.get('/v2/topics/news');
      expect([got.status, got.body]).toEqual([200, { colour: 'blue', ...RESERVED_DEFAULTS }]);
    });

    it('GET of a topic never created is a 404 (a queue never created answers its defaults)', async () => {
      const res = await api.get('/v2/topics/never');
      expect([res.status, res.body]).toEqual([
        404,
        { title: 'Not found', description: `Topic never does not exist for project ${api.project}` },
      ]);
      expect((await api.get('/v2/queues/never')).status).toBe(200);
    });

    it('lists topics by name with next links, detailed with metadata, and never lists queues', async () => {
      for (const name of ['t1', 't2', 't3']) expect((await api.put(`/v2/topics/${name}`)).status).toBe(201);
      await api.createQueue('q1');
      const first = await api.get('/v2/topics', { query: { limit: 2 } });
      expect(first.body).toEqual({
        topics: [
          { name: 't1', href: '/v2/topics/t1' },
          { name: 't2', href: '/v2/topics/t2' },
        ],
        links: [{ rel: 'next', href: '/v2/topics?limit=2&marker=t2' }],
      });
      const rest = await api.get(first.body.links[0].href);
      expect(rest.body.topics).toEqual([{ name: 't3', href: '/v2/topics/t3' }]);
      const detailed = await api.get('/v2/topics', { query: { detailed: true } });
      expect(detailed.body.topics[0]).toEqual({ name: 't1', href: '/v2/topics/t1', metadata: RESERVED_DEFAULTS });
      expect((await api.get('/v2/queues')).body.queues).toEqual([{ name: 'q1', href: '/v2/queues/q1' }]);
    });

    it('PATCH changes metadata with a JSON patch; the wrong media type is a 415; a missing topic a 404', async () => {
      await api.put('/v2/topics/patched', { json: { a: 1 } });
      const patch = [
        { op: 'add', path: '/metadata/b', value: 2 },
        { op: 'remove', path: '/metadata/a' },
      ];
      const res = await api.patch('/v2/topics/patched', { json: patch, headers: { 'Content-Type': JSON_PATCH } });
      expect([res.status, res.body]).toEqual([200, { b: 2, ...RESERVED_DEFAULTS }]);
      const plain = await api.patch('/v2/topics/patched', { json: patch });
      expect([plain.status, plain.headers.get('accept-patch')]).toEqual([415, JSON_PATCH]);
      const missing = await api.patch('/v2/topics/nope', { json: patch, headers: { 'Content-Type': JSON_PATCH } });
      expect([missing.status, missing.body.description]).toEqual([
        404,
        `Topic nope does not exist for project ${api.project}`,
      ]);
    });

    it('stats count its messages; purge removes messages or subscriptions; DELETE (policy: admins) removes it', async () => {
      await api.put('/v2/topics/counted');
      expect((await api.get('/v2/topics/counted/stats')).body).toEqual({
        messages: { claimed: 0, free: 0, total: 0 },
      });
      await api.post('/v2/topics/counted/messages', { json: { messages: [{ body: 1 }, { body: 2 }] } });
      const stats = (await api.get('/v2/topics/counted/stats')).body.messages;
      expect(stats).toMatchObject({ claimed: 0, free: 2, total: 2 });
      expect(stats.oldest.href).toMatch(/^\/v2\/topics\/counted\/messages\//);
      await api.post('/v2/topics/counted/subscriptions', { json: { subscriber: 'http://127.0.0.1:9/x' } });

      expect((await api.post('/v2/topics/counted/purge', { json: { resource_types: ['messages'] } })).status).toBe(204);
      expect((await api.get('/v2/topics/counted/stats')).body.messages.total).toBe(0);
      expect((await api.get('/v2/topics/counted/subscriptions')).body.subscriptions).toHaveLength(1);
      expect((await api.post('/v2/topics/counted/purge')).status).toBe(204);
      expect((await api.get('/v2/topics/counted/subscriptions')).body.subscriptions).toHaveLength(0);

      const refused = await api.delete('/v2/topics/counted');
      expect([refused.status, refused.body.description]).toEqual([403, 'topics:delete is disallowed by policy.']);
      expect((await api.delete('/v2/queues/counted')).status).toBe(204); // queues:delete stays open
      expect((await admin.delete('/v2/topics/counted')).status).toBe(204);
      expect((await api.get('/v2/topics')).body.topics).toEqual([]);
    });
  });

  describe('messages', () => {
    it('posts, lists, gets (one, by ids), deletes and pops, with hrefs under the topic', async () => {
      const posted = await api.post('/v2/topics/feed/messages', {
        json: { messages: [{ body: 'a' }, { body: 'b' }, { body: 'c' }] },
      });
      expect(posted.status).toBe(201);
      const hrefs = posted.body.resources as string[];
      const ids = hrefs.map((href) => href.split('/').pop()!);
      expect(hrefs[0]).toBe(`/v2/topics/feed/messages/${ids[0]}`);
      expect(posted.headers.get('location')).toBe(`/v2/topics/feed/messages?ids=${ids.join(',')}`);

      const listed = await api.get('/v2/topics/feed/messages', { query: { echo: true } });
      expect(listed.body.messages.map((m: { body: string }) => m.body)).toEqual(['a', 'b', 'c']);
      expect(listed.body.links[0].href).toMatch(/^\/v2\/topics\/feed\/messages\?/);
      const one = await api.get(hrefs[1]);
      expect([one.status, one.body.body, one.body.href]).toEqual([200, 'b', hrefs[1]]);
      const byIds = await api.get('/v2/topics/feed/messages', { query: { ids: ids.slice(0, 2).join(',') } });
      expect(byIds.body.messages.map((m: { body: string }) => m.body)).toEqual(['a', 'b']);

      expect((await api.delete(hrefs[0])).status).toBe(204);
      expect((await api.get(hrefs[0])).status).toBe(404);
      const popped = await api.delete('/v2/topics/feed/messages', { query: { pop: 1 } });
      expect(popped.body.messages.map((m: { body: string }) => m.body)).toEqual(['b']);
    });

    it('a topic and the queue of the same name hold their own messages', async () => {
      await api.post('/v2/topics/same/messages', { json: { messages: [{ body: 'to the topic' }] } });
      await api.post('/v2/queues/same/messages', { json: { messages: [{ body: 'to the queue' }] } });
      const inTopic = await api.get('/v2/topics/same/messages', { query: { echo: true } });
      const inQueue = await api.get('/v2/queues/same/messages', { query: { echo: true } });
      expect(inTopic.body.messages.map((m: { body: string }) => m.body)).toEqual(['to the topic']);
      expect(inQueue.body.messages.map((m: { body: string }) => m.body)).toEqual(['to the queue']);
      const queueMessage = inQueue.body.messages[0].id as string;
      expect((await api.get(`/v2/topics/same/messages/${queueMessage}`)).status).toBe(404);
    });

    it('a topic has no claims and no signed URLs: those paths are not found', async () => {
      await api.put('/v2/topics/plain');
      expect((await api.post('/v2/topics/plain/claims', { json: { ttl: 60, grace: 60 } })).status).toBe(404);
      expect((await api.post('/v2/topics/plain/share', { json: {} })).status).toBe(404);
    });
  });

  describe('subscriptions', () => {
    let receiver: WebhookReceiver;
    beforeAll(async () => {
      receiver = await WebhookReceiver.start();
    });
    afterAll(() => receiver.stop());

    /** Subscribes a receiver path to the topic and confirms it through the link it was sent. */
    async function confirmedSubscriber(topic: string, hook: string) {
      const id = await subscribeTopic(topic, receiver.url(hook));
      const [request] = await receiver.waitFor(hook, 1);
      const confirmation = JSON.parse(request.body) as Record<string, string>;
      const confirmed = await fetch(confirmation.WSGISubscribeURL, {
        method: 'PUT',
        headers: {
          'Content-Type': 'application/json',
          'Client-ID': randomUUID(),
          'URL-Signature': confirmation['URL-Signature'],
          'URL-Methods': confirmation['URL-Methods'],
          'URL-Paths': confirmation['URL-Paths'],
          'URL-Expires': confirmation['URL-Expires'],
          'X-Project-ID': confirmation['X-Project-ID'],
        },
        body: JSON.stringify({ confirmed: true }),
      });
      expect(confirmed.status).toBe(204);
      return { id, confirmation };
    }

    async function subscribeTopic(topic: string, subscriber: string): Promise<string> {
      const res = await api.post(`/v2/topics/${topic}/subscriptions`, { json: { subscriber, ttl: 600 } });
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBe(`/v2/topics/${topic}/subscriptions`);
      return res.body.subscription_id;
    }

    it("a subscriber is asked to confirm the topic's link, and once confirmed is sent each message", async () => {
      const { id, confirmation } = await confirmedSubscriber('alerts', '/alerts');
      const confirmPath = `/v2/topics/alerts/subscriptions/${id}/confirm`;
      expect(confirmation).toMatchObject({
        WSGISubscribeURL: `${running.server.url}${confirmPath}`,
        Message_Type: 'SubscriptionConfirmation',
        Message: 'You have chosen to subscribe to the topic: alerts',
        'URL-Paths': confirmPath,
        'X-Project-ID': api.project,
        queue_name: 'alerts',
      });
      expect((await api.get(`/v2/topics/alerts/subscriptions/${id}`)).body).toMatchObject({
        source: 'alerts',
        confirmed: true,
      });
      await api.post('/v2/topics/alerts/messages', { json: { messages: [{ body: { level: 'high' }, ttl: 60 }] } });
      const [, notification] = await receiver.waitFor('/alerts', 2);
      expect(notification.body).toBe(
        '{"ttl": 60, "body": {"level": "high"}, "Message_Type": "Notification", "queue_name": "alerts"}',
      );
    });

    it('fans each message out to every confirmed subscriber, and a queue of the name reaches none of them', async () => {
      await confirmedSubscriber('fan', '/fan-a');
      await confirmedSubscriber('fan', '/fan-b');
      await api.post('/v2/queues/fan/messages', { json: { messages: [{ body: 'queue only' }] } });
      await api.post('/v2/topics/fan/messages', { json: { messages: [{ body: 1 }, { body: 2 }] } });
      for (const hook of ['/fan-a', '/fan-b']) {
        const got = await receiver.waitFor(hook, 3);
        expect(got.slice(1).map((r) => JSON.parse(r.body).body)).toEqual([1, 2]);
      }
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(receiver.at('/fan-a')).toHaveLength(3);
    });

    it('lists, updates and deletes topic subscriptions; another project sees none of them', async () => {
      const id = await subscribeTopic('managed', receiver.url('/managed'));
      const listed = await api.get('/v2/topics/managed/subscriptions');
      expect(listed.body.subscriptions.map((s: { id: string }) => s.id)).toEqual([id]);
      expect(listed.body.links[0].href).toBe(`/v2/topics/managed/subscriptions?marker=${id}`);
      const other = api.otherProject();
      expect((await other.get('/v2/topics/managed/subscriptions')).body.subscriptions).toEqual([]);
      expect((await other.get(`/v2/topics/managed/subscriptions/${id}`)).status).toBe(404);
      expect((await api.get(`/v2/queues/managed/subscriptions/${id}`)).status).toBe(404);
      expect((await api.patch(`/v2/topics/managed/subscriptions/${id}`, { json: { ttl: 900 } })).status).toBe(204);
      expect((await api.get(`/v2/topics/managed/subscriptions/${id}`)).body.ttl).toBe(900);
      expect((await api.delete(`/v2/topics/managed/subscriptions/${id}`)).status).toBe(204);
      expect((await api.get(`/v2/topics/managed/subscriptions/${id}`)).status).toBe(404);
    });
  });

  describe('bad input', () => {
    it.each([
      ['a name with a space', '/v2/topics/a%20b'],
      ['a name over 64 characters', `/v2/topics/${'x'.repeat(65)}`],
    ])('refuses %s as Zaqar refuses a bad queue name', async (_case, url) => {
      const res = await api.put(url);
      expect([res.status, res.body]).toEqual([
        400,
        {
          title: 'Invalid queue identification',
          description: 'The format of the submitted queue name or project id is not valid.',
        },
      ]);
    });

    it('refuses metadata over the limit, a non-object body, a bad listing limit and missing headers', async () => {
      const big = await api.put('/v2/topics/big', { json: { x: 'y'.repeat(70_000) } });
      expect([big.status, big.body.description]).toEqual([400, 'Queue metadata is too large. Max size: 65536']);
      expect((await api.put('/v2/topics/list', { json: [1, 2] })).status).toBe(400);
      expect((await api.get('/v2/topics', { query: { limit: 0 } })).status).toBe(400);
      expect((await api.get('/v2/topics', { query: { limit: 'ten' } })).status).toBe(400);
      const noClient = await api.get('/v2/topics', { headers: { 'Client-ID': null } });
      expect([noClient.status, noClient.body.title]).toEqual([400, 'Missing header value']);
      const noProject = await api.get('/v2/topics', { headers: { 'X-Project-ID': null } });
      expect(noProject.status).toBe(400);
      const ttl = await api.post('/v2/topics/bad/messages', { json: { messages: [{ body: 1, ttl: 1 }] } });
      expect(ttl.status).toBe(400);
      const patch = await api.patch('/v2/topics/bad', { raw: '', headers: { 'Content-Type': JSON_PATCH } });
      expect(patch.status).toBe(400);
    });

    it("another project's topic is not there: not listed, 404, no messages", async () => {
      await api.put('/v2/topics/mine', { json: { secret: true } });
      await api.post('/v2/topics/mine/messages', { json: { messages: [{ body: 'private' }] } });
      const other = api.otherProject();
      expect((await other.get('/v2/topics')).body.topics).toEqual([]);
      expect((await other.get('/v2/topics/mine')).status).toBe(404);
      expect((await other.get('/v2/topics/mine/messages', { query: { echo: true } })).body.messages).toEqual([]);
    });
  });
});
