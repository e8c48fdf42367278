import { backendsTakingTurns, dropJobQueues } from '../support/job-runners';
import { serversOnFreshStore } from '../support/lifecycle';
import { WebhookReceiver } from '../support/webhook-receiver';
import { ZaqarClient } from './client';

const SUBSCRIBERS = 10;
const MESSAGES = 1000;
const PER_POST = 10;

/** Two server processes on one store; each back end once, the job runners taking turns. */
describe.each(backendsTakingTurns(true))('fan-out [%s, jobs %s]', (_backend, _runner, makeBackend, runner) => {
  const env = runner.env();
  const running = serversOnFreshStore(makeBackend, 2, env);
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
    await dropJobQueues(env);
  });

  it(`${SUBSCRIBERS} webhook subscribers each get all ${MESSAGES} messages posted through two processes, once`, async () => {
    const api = new ZaqarClient(running.servers[0].url);
    const throughEach = [api, api.on(running.servers[1].url)];
    for (let s = 0; s < SUBSCRIBERS; s++) {
      const res = await api.post('/v2/queues/fan/subscriptions', { json: { subscriber: receiver.url(`/s${s}`) } });
      expect(res.status).toBe(201);
    }
    const posts = Array.from({ length: MESSAGES / PER_POST }, (_, p) => p);
    const inFlight = 8;
    await Promise.all(
      Array.from({ length: inFlight }, async (_, lane) => {
        for (let p = lane; p < posts.length; p += inFlight) {
          const through = throughEach[p % 2];
          const messages = Array.from({ length: PER_POST }, (_, i) => ({ body: { n: p * PER_POST + i } }));
          await through.postMessages('fan', messages);
        }
      }),
    );

    const expected = SUBSCRIBERS * MESSAGES;
    const deadline = Date.now() + 60_000;
    while (receiver.received.length < expected && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // a moment more, for duplicates to show
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const perSubscriber = Array.from({ length: SUBSCRIBERS }, (_, s) => {
      const requests = receiver.at(`/s${s}`);
      const seen = new Set(requests.map((r) => (JSON.parse(r.body) as { body: { n: number } }).body.n));
      return { missing: MESSAGES - seen.size, duplicates: requests.length - seen.size };
    });
    console.log(
      `fan-out: ${receiver.received.length} deliveries for ${expected}; duplicates per subscriber ` +
        perSubscriber.map((s) => s.duplicates).join(','),
    );
    expect(perSubscriber).toEqual(Array(SUBSCRIBERS).fill({ missing: 0, duplicates: 0 }));
  });
});
