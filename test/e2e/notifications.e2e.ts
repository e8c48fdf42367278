import { DELIVER_JOB, DELIVERY_SCHEDULER, NOTIFICATIONS_QUEUE } from '../../src/jobs/bullmq/notifications.queue';
import { MAINTENANCE_QUEUE, SWEEP_JOB } from '../../src/jobs/bullmq/maintenance.queue';
import type { DeliveryRun } from '../../src/jobs/delivery.job';
import { DELIVERY_POLL_MS } from '../../src/jobs/delivery.trigger';
import type { Job } from 'bullmq';
import { BACKENDS, sqliteBackend, TestBackend } from '../support/backends';
import { backendsTakingTurns, BULLMQ, dropJobQueues, JOB_RUNNERS, JobRunner, jobQueue } from '../support/job-runners';
import { serversOnFreshStore } from '../support/lifecycle';
import { startServer } from '../support/server';
import { WebhookReceiver } from '../support/webhook-receiver';
import { verifySignature } from '../../src/notifications/webhook-signature';
import { ZaqarClient } from './client';

type MakeBackend = () => Promise<TestBackend>;

/** Every back end with every job runner. */
const MATRIX = BACKENDS.flatMap(([backend, makeBackend]) =>
  JOB_RUNNERS.map((runner) => [backend, runner.name, makeBackend, runner] as const),
);

/**
 * The slow tests time the delivery job's retries and the outbox's leases, which are the same code
 * whichever runner wakes the job: each runs once per back end, the runners taking turns.
 */
const RETRY_CASES = backendsTakingTurns(true);
const KILL_CASES = backendsTakingTurns();

/**
 * For the enclosing describe block: `count` servers on one fresh store, their jobs run by
 * `runner` (sharing one REDIS_PREFIX on BullMQ), and a webhook receiver.
 */
function webhookHarness(makeBackend: MakeBackend, runner: JobRunner, count = 1) {
  const env = runner.env();
  const running = serversOnFreshStore(makeBackend, count, env);
  const web = {
    env,
    running,
    receiver: undefined as unknown as WebhookReceiver,
    async subscribed(path: string, options: Record<string, unknown> = {}) {
      const api = new ZaqarClient(running.server.url);
      const res = await api.post('/v2/queues/jobs/subscriptions', {
        json: { subscriber: web.receiver.url(path), options },
      });
      expect(res.status).toBe(201);
      return { api, secret: res.body.signing_secret as string };
    },
  };
  beforeAll(async () => {
    web.receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await web.receiver.stop();
    await Promise.all(running.servers.map((server) => server.kill()));
    await dropJobQueues(env);
  });
  return web;
}

describe.each(MATRIX)('webhook notifications [%s, jobs %s]', (_backend, _runner, makeBackend, runner) => {
  const web = webhookHarness(makeBackend, runner);

  it("each posted message reaches the webhook as Zaqar's notifier posts it, signed", async () => {
    const { api, secret } = await web.subscribed('/exact', { post_headers: { 'X-Custom': 'yes' } });
    await api.postMessages('jobs', [{ body: { event: 'é' }, ttl: 300 }, { body: 'plain' }]);
    const got = await web.receiver.waitFor('/exact', 2);
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
    const { api } = await web.subscribed('/template', { post_data: '{"wrapped": "$zaqar_message$"}' });
    await api.postMessages('jobs', [{ body: 1, ttl: 60 }]);
    const [request] = await web.receiver.waitFor('/template', 1);
    expect(request.body).toBe(
      '{"wrapped": {"ttl": 60, "body": 1, "Message_Type": "Notification", "queue_name": "jobs"}}',
    );
  });

  it('a subscriber of another queue, or of another project, hears nothing', async () => {
    const { api } = await web.subscribed('/elsewhere');
    await api.otherProject().postMessages('jobs', [{ body: 'not yours' }]);
    await api.postMessages('quiet', [{ body: 'other queue' }]);
    await api.postMessages('jobs', [{ body: 'yours' }]);
    const [request] = await web.receiver.waitFor('/elsewhere', 1);
    expect(request.body).toContain('"yours"');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(web.receiver.at('/elsewhere')).toHaveLength(1);
  });

  it('a deleted subscription gets nothing more', async () => {
    const { api } = await web.subscribed('/deleted');
    const [sub] = (await api.get('/v2/queues/jobs/subscriptions')).body.subscriptions.filter(
      (s: { subscriber: string }) => s.subscriber.endsWith('/deleted'),
    );
    await api.delete(`/v2/queues/jobs/subscriptions/${sub.id}`);
    await api.postMessages('jobs', [{ body: 'late' }]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(web.receiver.at('/deleted')).toEqual([]);
  });
});

describe.each(RETRY_CASES)('webhook retries [%s, jobs %s]', (_backend, _runner, makeBackend, runner) => {
  const web = webhookHarness(makeBackend, runner);

  it('a receiver answering 500 is tried again at the delays of the retry policy, then no more', async () => {
    web.receiver.answer = (r) => (r.path === '/failing' ? 500 : 200);
    // 1 immediate retry, then the linear backoff range(1, 11, 5): 1 s, 6 s (Zaqar wants max - min >= 10)
    const policy = {
      retries_with_no_delay: 1,
      minimum_delay_retries: 0,
      minimum_delay: 1,
      maximum_delay: 11,
      maximum_delay_retries: 0,
    };
    const { api } = await web.subscribed('/failing', { _retry_policy: policy });
    await api.postMessages('jobs', [{ body: 'x' }]);
    const got = await web.receiver.waitFor('/failing', 4, 15_000);
    const gaps = got.slice(1).map((r, i) => r.at - got[i].at);
    expect(gaps[0]).toBeLessThan(900); // the retry with no delay
    expect(gaps[1]).toBeGreaterThanOrEqual(950);
    expect(gaps[2]).toBeGreaterThanOrEqual(5950);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(web.receiver.at('/failing')).toHaveLength(4);
  });
});

describe.each(KILL_CASES)('notifications survive kill -9 [%s, jobs %s]', (_backend, _runner, makeBackend, runner) => {
  it('messages answered 201 right before the server is killed reach the subscriber after a restart', async () => {
    const backend = await makeBackend();
    // a short response timeout ends the killed process's leases (timeout + 5 s) sooner
    const env = { ...runner.env(), WEBHOOK_RESPONSE_TIMEOUT_MS: '2000' };
    const receiver = await WebhookReceiver.start();
    try {
      let server = await startServer({ storageUrl: backend.url, env });
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
      server = await startServer({ storageUrl: backend.url, port: server.port, env });
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
      await dropJobQueues(env);
    }
  }, 90_000);
});

describe.each(BACKENDS)('notifications as BullMQ jobs [%s]', (_backend, makeBackend) => {
  // two servers on one store, sharing one REDIS_PREFIX: one cluster
  const web = webhookHarness(makeBackend, BULLMQ, 2);

  /** What the completed deliver jobs under the servers' prefix leased, all told. */
  async function leasedByJobs(): Promise<number> {
    const queue = jobQueue(web.env, NOTIFICATIONS_QUEUE);
    try {
      const jobs = (await queue.getJobs(['completed'])) as Array<Job<unknown, DeliveryRun>>;
      return jobs.filter((job) => job.name === DELIVER_JOB).reduce((sum, job) => sum + job.returnvalue.leased, 0);
    } finally {
      await queue.close();
    }
  }

  it('every delivery is leased by a job of the notifications queue under REDIS_PREFIX, not in process', async () => {
    const { api } = await web.subscribed('/queued');
    await api.postMessages('jobs', [{ body: 1 }, { body: 2 }, { body: 3 }]);
    await web.receiver.waitFor('/queued', 3);
    // the job ends after the deliveries are settled, a moment after the receiver has them
    const deadline = Date.now() + 5_000;
    while ((await leasedByJobs()) < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await leasedByJobs()).toBe(3);

    const notifications = jobQueue(web.env, NOTIFICATIONS_QUEUE);
    const maintenance = jobQueue(web.env, MAINTENANCE_QUEUE);
    try {
      expect(await notifications.getJobScheduler(DELIVERY_SCHEDULER)).toMatchObject({ every: DELIVERY_POLL_MS });
      expect(await maintenance.getJobScheduler(SWEEP_JOB)).toMatchObject({ name: SWEEP_JOB });
    } finally {
      await Promise.all([notifications.close(), maintenance.close()]);
    }
  });

  it('two servers sharing one Redis prefix and one store deliver each message once', async () => {
    const { api } = await web.subscribed('/once');
    const apis = web.running.servers.map((server) => api.on(server.url));
    const count = 40;
    await Promise.all(
      Array.from({ length: count }, (_, n) => apis[n % apis.length].postMessages('jobs', [{ body: { n } }])),
    );
    const got = await web.receiver.waitFor('/once', count);
    expect(new Set(got.map((r) => JSON.parse(r.body).body.n)).size).toBe(count);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(web.receiver.at('/once')).toHaveLength(count);
  });
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
