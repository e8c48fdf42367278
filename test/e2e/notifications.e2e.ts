import { BACKENDS, sqliteBackend } from '../support/backends';
import { serversOnFreshStore } from '../support/lifecycle';
import { startServer } from '../support/server';
import { WebhookReceiver } from '../support/webhook-receiver';
import { verifySignature } from '../../src/notifications/webhook-signature';
import { ZaqarClient } from './client';

describe.each(BACKENDS)('webhook notifications [%s]', (_name, makeBackend) => {
  const running = serversOnFreshStore(makeBackend);
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterAll(() => receiver.stop());

  async function subscribed(path: string, options: Record<string, unknown> = {}) {
    const api = new ZaqarClient(running.server.url);
    const res = await api.post('/v2/queues/jobs/subscriptions', { json: { subscriber: receiver.url(path), options } });
    expect(res.status).toBe(201);
    return { api, secret: res.body.signing_secret as string };
  }

  it("each posted message reaches the webhook as Zaqar's notifier posts it, signed", async () => {
    const { api, secret } = await subscribed('/exact', { post_headers: { 'X-Custom': 'yes' } });
    await api.postMessages('jobs', [{ body: { event: 'é' }, ttl: 300 }, { body: 'plain' }]);
    const got = await receiver.waitFor('/exact', 2);
    const bodies = got.map((r) => r.body).sort();
    // What the reference Zaqar 15 sent for the same post (checked with its notifier on).
    expect(bodies).toEqual([
      '{"ttl": 300, "body": {"event": "\\u00e9"}, "Message_Type": "Notification", "queue_name": "jobs"}',
      '{"ttl": 3600, "body": "plain", "Message_Type": "Notification", "queue_name": "jobs"}',
    ]);
    for (const request of got) {
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['x-custom']).toBe('yes');
      const signature = request.headers['x-zaqar-signature'] as string;
      expect(verifySignature(secret, signature, request.body, Math.floor(Date.now() / 1000))).toBe(true);
      expect(verifySignature('not-the-secret', signature, request.body, Math.floor(Date.now() / 1000))).toBe(false);
    }
  });

  it('post_data is the template the message is put into', async () => {
    const { api } = await subscribed('/template', { post_data: '{"wrapped": "$zaqar_message$"}' });
    await api.postMessages('jobs', [{ body: 1, ttl: 60 }]);
    const [request] = await receiver.waitFor('/template', 1);
    expect(request.body).toBe(
      '{"wrapped": {"ttl": 60, "body": 1, "Message_Type": "Notification", "queue_name": "jobs"}}',
    );
  });

  it('a receiver answering 500 is tried again at the delays of the retry policy, then no more', async () => {
    receiver.answer = (r) => (r.path === '/failing' ? 500 : 200);
    // 1 immediate retry, then the linear backoff range(1, 11, 5): 1 s, 6 s (Zaqar wants max - min >= 10)
    const policy = {
      retries_with_no_delay: 1,
      minimum_delay_retries: 0,
      minimum_delay: 1,
      maximum_delay: 11,
      maximum_delay_retries: 0,
    };
    const { api } = await subscribed('/failing', { _retry_policy: policy });
    await api.postMessages('jobs', [{ body: 'x' }]);
    const got = await receiver.waitFor('/failing', 4, 15_000);
    const gaps = got.slice(1).map((r, i) => r.at - got[i].at);
    expect(gaps[0]).toBeLessThan(900); // the retry with no delay
    expect(gaps[1]).toBeGreaterThanOrEqual(950);
    expect(gaps[2]).toBeGreaterThanOrEqual(5950);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(receiver.at('/failing')).toHaveLength(4);
  });

  it('a subscriber of another queue, or of another project, hears nothing', async () => {
    const { api } = await subscribed('/elsewhere');
    await api.otherProject().postMessages('jobs', [{ body: 'not yours' }]);
    await api.postMessages('quiet', [{ body: 'other queue' }]);
    await api.postMessages('jobs', [{ body: 'yours' }]);
    const [request] = await receiver.waitFor('/elsewhere', 1);
    expect(request.body).toContain('"yours"');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.at('/elsewhere')).toHaveLength(1);
  });

  it('a deleted subscription gets nothing more', async () => {
    const { api } = await subscribed('/deleted');
    const [sub] = (await api.get('/v2/queues/jobs/subscriptions')).body.subscriptions.filter(
      (s: { subscriber: string }) => s.subscriber.endsWith('/deleted'),
    );
    await api.delete(`/v2/queues/jobs/subscriptions/${sub.id}`);
    await api.postMessages('jobs', [{ body: 'late' }]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.at('/deleted')).toEqual([]);
  });
});

describe.each(BACKENDS)('notifications survive kill -9 [%s]', (_name, makeBackend) => {
  it('messages answered 201 right before the server is killed reach the subscriber after a restart', async () => {
    const backend = await makeBackend();
    const receiver = await WebhookReceiver.start();
    try {
      let server = await startServer({ storageUrl: backend.url });
      const api = new ZaqarClient(server.url);
      await api.subscribe('jobs', { subscriber: receiver.url('/durable') });
      // The receiver holds its answers back, so nothing is delivered before the kill.
      receiver.answer = () => 500;
      const posted = await Promise.all(
        Array.from({ length: 20 }, (_, n) => api.postMessages('jobs', [{ body: { n } }])),
      );
      expect(posted.flat()).toHaveLength(20);
      await server.kill('SIGKILL');
      receiver.answer = () => 200;
      server = await startServer({ storageUrl: backend.url, port: server.port });
      try {
        // Deliveries leased by the killed process are due again once their lease ends.
        const delivered = () =>
          new Set(
            receiver
              .at('/durable')
              .filter((r) => r.status === 200)
              .map((r) => JSON.parse(r.body).body.n),
          );
        const deadline = Date.now() + 40_000;
        while (delivered().size < 20 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
        expect(delivered().size).toBe(20);
      } finally {
        await server.kill();
      }
    } finally {
      await receiver.stop();
      await backend.drop();
    }
  }, 90_000);
});

describe('the webhook target guard', () => {
  const running = serversOnFreshStore(sqliteBackend, 1, { WEBHOOK_TARGET_GUARD: 'on' });

  it('a subscriber on a loopback address never receives a request when the guard is on', async () => {
    const receiver = await WebhookReceiver.start();
    try {
      const api = new ZaqarClient(running.server.url);
      await api.subscribe('jobs', { subscriber: receiver.url('/guarded') });
      await api.subscribe('jobs', { subscriber: receiver.url('/guarded').replace('127.0.0.1', 'localhost') });
      await api.postMessages('jobs', [{ body: 'to nobody' }]);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(receiver.received).toEqual([]);
    } finally {
      await receiver.stop();
    }
  });
});
