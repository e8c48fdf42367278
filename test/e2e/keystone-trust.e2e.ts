import { randomUUID } from 'node:crypto';
import { BACKENDS, TestBackend } from '../support/backends';
import { describeWithKeystone, KeystoneApi, KeystoneFixture, startKeystone } from '../support/keystone';
import type { StartedServer } from '../support/server';
import { Caller, sleep, startServerAnyAuth } from './auth-support';

/** Polls until `read` gives something truthy, or fails after `timeoutMs`. */
async function eventually<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describeWithKeystone('trust+ subscribers, with a real Keystone', () => {
  let keystone: KeystoneFixture;
  let api: KeystoneApi;
  const backends: TestBackend[] = [];
  const servers = new Map<string, StartedServer>();

  beforeAll(async () => {
    keystone = await startKeystone();
    api = new KeystoneApi(keystone.authUrl);
    for (const [name, makeBackend] of BACKENDS) {
      const backend = await makeBackend();
      backends.push(backend);
      // the subscribers are this same server's queues, on loopback
      const env = { AUTH_STRATEGY: 'keystone', WEBHOOK_TARGET_GUARD: 'off', ...keystone.env() };
      servers.set(name, await startServerAnyAuth(backend.url, env));
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all([...servers.values()].map((server) => server.kill()));
    await Promise.all(backends.map((backend) => backend.drop()));
    await keystone?.stop();
  });

  describe.each(BACKENDS.map(([name]) => name))('on %s', (name) => {
    let member: Caller;
    let server: StartedServer;

    beforeAll(async () => {
      server = servers.get(name)!;
      member = new Caller(server.url, { 'X-Auth-Token': await keystone.token('alpha-member') });
    });

    /** A trust+ subscription on `source` that posts each notification into `target`, as Tempest's does. */
    async function trustSubscription(source: string, target: string): Promise<{ id: string; trustId: string }> {
      const subscriber = `trust+${server.url}/v2/queues/${target}/messages`;
      const options = {
        post_data: JSON.stringify({ messages: [{ body: '$zaqar_message$', ttl: 60 }] }),
        post_headers: { 'X-Project-ID': keystone.projects.alpha, 'Client-ID': randomUUID() },
      };
      const created = await member.post(`/v2/queues/${source}/subscriptions`, { subscriber, ttl: 600, options });
      expect(created.status).toBe(201);
      const id = created.body.subscription_id as string;
      const shown = await member.get(`/v2/queues/${source}/subscriptions/${id}`);
      expect(shown.status).toBe(200);
      return { id, trustId: shown.body.options.trust_id };
    }

    it('creating one makes a Keystone trust from the caller to the service, and posts through it', async () => {
      const source = `src-${randomUUID().slice(0, 8)}`;
      const target = `dst-${randomUUID().slice(0, 8)}`;
      const { trustId } = await trustSubscription(source, target);
      expect(typeof trustId).toBe('string');
      const { trust } = await api.call('GET', `/OS-TRUST/trusts/${trustId}`, await keystone.token('alpha-member'));
      expect(trust).toMatchObject({
        trustor_user_id: keystone.userIds['alpha-member'],
        trustee_user_id: keystone.userIds.zaqar,
        project_id: keystone.projects.alpha,
        impersonation: true,
      });

      const posted = await member.post(`/v2/queues/${source}/messages`, { messages: [{ body: { n: 1 }, ttl: 120 }] });
      expect(posted.status).toBe(201);
      const messages = await eventually('the notification in the target queue', async () => {
        const listed = await member.get(`/v2/queues/${target}/messages?echo=true`);
        return listed.status === 200 && listed.body?.messages?.length ? listed.body.messages : undefined;
      });
      expect(messages.map((m: { body: unknown }) => m.body)).toEqual([
        { ttl: 120, body: { n: 1 }, Message_Type: 'Notification', queue_name: source },
      ]);
    });

    it('a subscriber whose trust was deleted in Keystone gets nothing, and the delivery lands on the failed list', async () => {
      const source = `src-${randomUUID().slice(0, 8)}`;
      const target = `dst-${randomUUID().slice(0, 8)}`;
      const { id, trustId } = await trustSubscription(source, target);
      // the trustor's own token: Keystone's policy lets the trustor delete it
      await api.call('DELETE', `/OS-TRUST/trusts/${trustId}`, await keystone.token('alpha-member'));
      expect((await member.post(`/v2/queues/${source}/messages`, { messages: [{ body: 'x' }] })).status).toBe(201);
      const failed = await eventually('the failed delivery', async () => {
        const listed = await member.get(`/v2/queues/${source}/subscriptions/${id}/failed`);
        expect(listed.status).toBe(200);
        return listed.body.failed.length ? listed.body.failed : undefined;
      });
      expect(failed).toEqual([expect.objectContaining({ body: 'x', error: expect.stringContaining(trustId) })]);
      const leftover = await member.get(`/v2/queues/${target}/messages?echo=true`);
      expect(leftover.body?.messages ?? []).toEqual([]);
    });
  });
});
