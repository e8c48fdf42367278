import { FaultLoad, readQueue, reportOf } from '../support/fault-load';
import { PgCluster, pgClusterMissing } from '../support/pg-cluster';
import { describeNeeding } from '../support/prerequisites';
import { startServer, StartedServer } from '../support/server';
import { ZaqarClient } from './client';

/** No request may wait longer than this for its answer, whether PostgreSQL is up, down or starting. */
const ANSWER_BOUND_MS = 10_000;
/** How long the cluster stays down. */
const DOWN_MS = 3_000;
/** The first post acknowledged after PostgreSQL is back comes within this. */
const RECOVERY_BOUND_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A cluster of the test's own: the machine's PostgreSQL on 5432 is shared and must never stop.
describeNeeding(pgClusterMissing(), 'PostgreSQL restarted under load', () => {
  let cluster: PgCluster | undefined;
  let server: StartedServer | undefined;
  /** A second process, whose long polls hear the first's posts through LISTEN/NOTIFY. */
  let listener: StartedServer | undefined;

  beforeAll(async () => {
    cluster = await PgCluster.create();
    server = await startServer({ storageUrl: cluster.url });
    listener = await startServer({ storageUrl: cluster.url });
  });

  afterAll(async () => {
    await Promise.all([server?.kill(), listener?.kill()]);
    await cluster?.destroy();
  });

  it.each(['immediate', 'fast'] as const)(
    'pg_ctl stop -m %s: requests get 503 while it is down, the server recovers by itself, and every 201 is stored',
    async (mode) => {
      const client = new ZaqarClient(server!.url);
      const queue = `restart-${mode}`;
      await client.createQueue(queue);
      const load = new FaultLoad(client, queue, { producers: 8, consumer: true, timeoutMs: ANSWER_BOUND_MS });
      try {
        await load.acknowledgedMore(300, 30_000);
        await cluster!.stop(mode);
        const downAt = Date.now();
        await sleep(DOWN_MS);
        const upFrom = Date.now();
        await cluster!.start();
        const upAt = Date.now();
        await load.acknowledgedMore(300, 30_000);
        await load.stop();

        // answered entirely while nothing listened: only Zaqar's 503
        const whileDown = load.outcomes.filter((o) => o.startedAt >= downAt && o.endedAt <= upFrom);
        expect(whileDown.length).toBeGreaterThan(0);
        for (const outcome of whileDown) {
          expect(outcome.status).toBe(503);
          expect(outcome.body).toEqual({
            title: 'Service temporarily unavailable',
            description: expect.stringContaining('Please try again in a few seconds.'),
          });
        }
        const recovered = load.firstPostAckedAfter(upFrom);
        expect(recovered).toBeDefined();
        // from the start command on: pg_ctl notices the server is ready up to a poll interval late
        const recoveryMs = recovered!.endedAt - upFrom;
        expect(recoveryMs).toBeLessThan(RECOVERY_BOUND_MS);

        const stored = await readQueue(client, queue);
        const report = reportOf(load, stored);
        const slowest = Math.max(...load.outcomes.map((o) => o.endedAt - o.startedAt));
        console.log(
          `PostgreSQL stop -m ${mode}: ${report.requests} requests ${JSON.stringify(report.byStatus)}, ` +
            `${load.acknowledged.size} acknowledged, ${load.deleted.size} deleted, ` +
            `${report.lost.length} lost, down ${upFrom - downAt} ms, pg_ctl start took ${upAt - upFrom} ms, ` +
            `first 201 ${recoveryMs} ms after it began, slowest answer ${slowest} ms`,
        );
        expect(report.otherFailures).toEqual([]);
        expect(report.lost).toEqual([]);
        expect(report.resurrected).toEqual([]);
        expect(report.altered).toEqual([]);

        // the other process's LISTEN connection is back too: its long poll wakes at a post here
        const polled = `${queue}-poll`;
        await client.createQueue(polled);
        const claiming = client.on(listener!.url).post(`/v2/queues/${polled}/claims`, {
          json: { ttl: 60, grace: 60 },
          query: { wait: 10 },
        });
        await sleep(300);
        const postedAt = Date.now();
        const [late] = await client.postMessages(polled, [{ body: 'after the restart' }]);
        const claim = await claiming;
        expect(claim.status).toBe(201);
        expect(claim.body.messages.map((m: { id: string }) => m.id)).toContain(late);
        expect(Date.now() - postedAt).toBeLessThan(2_000);
        // each process made its LISTEN connection again once, not once per failed attempt
        expect(await cluster!.connectionsNamed('zaqar-ts signals')).toBe(2);
      } finally {
        await load.stop();
      }
    },
    120_000,
  );
});
