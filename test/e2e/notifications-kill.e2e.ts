import { backendsTakingTurns, dropJobQueues } from '../support/job-runners';
import { startServer } from '../support/server';
import { until } from '../support/wait';
import { WebhookReceiver } from '../support/webhook-receiver';
import { ZaqarClient } from './client';

const PRODUCERS = 6;
const SUBSCRIBERS = 3;

/** The runners the other way round from notifications.e2e.ts's kill test, so both meet a kill on both stores. */
describe.each(backendsTakingTurns(true))(
  'kill -9 under load [%s, jobs %s]',
  (_backend, _runner, makeBackend, runner) => {
    it('every message answered 201 reaches every subscriber after a restart; duplicates are counted', async () => {
      const backend = await makeBackend();
      // a short response timeout ends the killed process's leases (timeout + 5 s) sooner
      const env = { ...runner.env(), WEBHOOK_RESPONSE_TIMEOUT_MS: '2000' };
      const receiver = await WebhookReceiver.start();
      let server = await startServer({ storageUrl: backend.url, env });
      try {
        const api = new ZaqarClient(server.url);
        for (let s = 0; s < SUBSCRIBERS; s++) await api.subscribe('load', { subscriber: receiver.url(`/s${s}`) });

        // Producers post one message at a time until the server dies under them; what got a 201 is kept.
        const acknowledged = new Set<string>();
        let stop = false;
        const producers = Array.from({ length: PRODUCERS }, async (_, p) => {
          for (let i = 0; !stop; i++) {
            try {
              await api.postMessages('load', [{ body: { key: `${p}:${i}` } }]);
              acknowledged.add(`${p}:${i}`);
            } catch {
              return; // the server is gone
            }
          }
        });
        // killed mid-load once enough is acknowledged, however slow the machine is today
        await until(() => acknowledged.size >= 200, 30_000);
        await server.kill('SIGKILL');
        stop = true;
        await Promise.all(producers);
        expect(acknowledged.size).toBeGreaterThan(100);

        server = await startServer({ storageUrl: backend.url, port: server.port, env });
        const keysAt = (s: number) =>
          receiver.at(`/s${s}`).map((r) => (JSON.parse(r.body) as { body: { key: string } }).body.key);
        const missing = () =>
          Array.from({ length: SUBSCRIBERS }, (_, s) => {
            const got = new Set(keysAt(s));
            return [...acknowledged].filter((key) => !got.has(key)).length;
          });
        const deadline = Date.now() + 40_000;
        while (missing().some((n) => n > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
        const duplicates = Array.from({ length: SUBSCRIBERS }, (_, s) => keysAt(s).length - new Set(keysAt(s)).size);
        console.log(
          `kill -9 under load: ${acknowledged.size} messages acknowledged, ${SUBSCRIBERS} subscribers; ` +
            `duplicates per subscriber ${duplicates.join(',')} (at least once: allowed)`,
        );
        expect(missing()).toEqual(Array(SUBSCRIBERS).fill(0));
      } finally {
        await server.kill();
        await receiver.stop();
        await backend.drop();
        await dropJobQueues(env);
      }
    });
  },
);
