import { BACKENDS } from '../support/backends';
import { serversOnFreshStore } from '../support/lifecycle';
import { WebhookReceiver } from '../support/webhook-receiver';
import { ZaqarClient } from './client';

describe.each(BACKENDS)('failed deliveries [%s]', (_name, makeBackend) => {
  const running = serversOnFreshStore(makeBackend);
  let receiver: WebhookReceiver;
  let api: ZaqarClient;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });
  beforeEach(() => {
    api = new ZaqarClient(running.server.url);
  });
  afterAll(() => receiver.stop());

  /** A subscriber whose receiver refuses for good (404) until told otherwise; failed at once. */
  async function refusedSubscription(path: string) {
    receiver.answer = (r) => (r.path === path ? 404 : 200);
    const res = await api.post('/v2/queues/dead/subscriptions', { json: { subscriber: receiver.url(path) } });
    expect(res.status).toBe(201);
    return res.body.subscription_id as string;
  }

  const failedPath = (id: string) => `/v2/queues/dead/subscriptions/${id}/failed`;

  async function failedList(id: string, count: number) {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const res = await api.get(failedPath(id), { query: { limit: 20 } });
      expect(res.status).toBe(200);
      if (res.body.failed.length >= count || Date.now() > deadline) return res.body;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('a refused delivery lands on the failed list with its error, counts in health, and is redriven', async () => {
    const id = await refusedSubscription('/refusing');
    await api.postMessages('dead', [
      { body: { n: 1 }, ttl: 120 },
      { body: { n: 2 }, ttl: 120 },
    ]);
    const listed = await failedList(id, 2);
    expect(listed.failed).toEqual([
      expect.objectContaining({ kind: 'notification', ttl: 120, body: { n: 1 }, attempts: 1, error: 'HTTP 404' }),
      expect.objectContaining({ ttl: 120, body: { n: 2 }, attempts: 1, error: 'HTTP 404' }),
    ]);
    for (const entry of listed.failed) {
      expect(Date.parse(entry.failed_at)).toBeGreaterThanOrEqual(Date.parse(entry.posted_at));
    }
    const health = await api.get('/v2/health', { headers: { 'X-Roles': 'admin' } });
    expect(health.body.notifications.failed_deliveries).toBeGreaterThanOrEqual(2);

    receiver.answer = () => 200;
    const redriven = await api.post(failedPath(id));
    expect([redriven.status, redriven.body]).toEqual([200, { redriven: 2 }]);
    const got = await receiver.waitFor('/refusing', 2, 10_000, (r) => r.status === 200);
    expect(got.filter((r) => r.status === 200).map((r) => JSON.parse(r.body).body.n)).toEqual([1, 2]);
    expect((await api.get(failedPath(id))).body).toEqual({ failed: [], links: [] });
  });

  it('pages with marker and limit, following the next link', async () => {
    const id = await refusedSubscription('/paged');
    await api.postMessages('dead', [{ body: 'a' }, { body: 'b' }, { body: 'c' }]);
    await failedList(id, 3);
    const first = await api.get(failedPath(id), { query: { limit: 2 } });
    expect(first.body.failed.map((f: { body: string }) => f.body)).toEqual(['a', 'b']);
    const next = first.body.links[0].href as string;
    expect(next).toMatch(new RegExp(`^${failedPath(id)}\\?limit=2&marker=\\d+$`));
    const second = await api.get(next);
    expect(second.body.failed.map((f: { body: string }) => f.body)).toEqual(['c']);
    const third = await api.get(second.body.links[0].href);
    expect(third.body).toEqual({ failed: [], links: [] });
  });

  it('is not found for an unknown subscription, an unknown queue, or another project', async () => {
    const id = await refusedSubscription('/mine');
    const missing = { title: 'Not found', description: 'Subscription nope does not exist' };
    expect(await api.get('/v2/queues/dead/subscriptions/nope/failed')).toMatchObject({ status: 404, body: missing });
    expect(await api.post('/v2/queues/dead/subscriptions/nope/failed')).toMatchObject({ status: 404, body: missing });
    expect((await api.get(`/v2/queues/elsewhere/subscriptions/${id}/failed`)).status).toBe(404);
    const stranger = api.otherProject();
    expect((await stranger.get(failedPath(id))).status).toBe(404);
    expect((await stranger.post(failedPath(id))).status).toBe(404);
  });

  it.each([
    [{ limit: 0 }, 'Limit must be at least 1 and may not be greater than 20.'],
    [{ limit: 21 }, 'Limit must be at least 1 and may not be greater than 20.'],
    [{ limit: 'x' }, 'The value must be an integer.'],
    [{ marker: 'abc' }, 'The marker must be the id of a failed delivery.'],
    [{ marker: '1'.repeat(40) }, 'The marker must be the id of a failed delivery.'],
  ])('refuses the query %o with 400', async (query, description) => {
    const id = await refusedSubscription('/query');
    const res = await api.get(failedPath(id), { query });
    expect(res.status).toBe(400);
    expect(res.body.description).toContain(description);
  });

  it('needs the project and Client-ID headers like every route', async () => {
    const id = await refusedSubscription('/headers');
    expect((await api.get(failedPath(id), { headers: { 'X-Project-ID': null } })).status).toBe(400);
    expect((await api.post(failedPath(id), { headers: { 'Client-ID': null } })).status).toBe(400);
  });
});
