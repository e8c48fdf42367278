import * as path from 'node:path';
import { FaultLoad, Outcome, readQueue, reportOf } from '../support/fault-load';
import { PgCluster, pgClusterMissing } from '../support/pg-cluster';
import { describeNeeding } from '../support/prerequisites';
import { freePort, startServer, StartedServer } from '../support/server';
import { Tmpfs, tmpfsMissing } from '../support/tmpfs';
import { until } from '../support/wait';
import { ZaqarSocket } from '../support/zaqar-socket';
import { ZaqarClient } from './client';

/** The tmpfs the store lives on. */
const SIZE_KIB = 16 * 1024;
/** No request may wait longer than this for its answer, full disk or not. */
const ANSWER_BOUND_MS = 10_000;
/** Posts succeed again within this once space is back. */
const RECOVERY_BOUND_MS = 5_000;

const FULL = {
  title: 'Service temporarily unavailable',
  description:
    'The message store is out of disk space: nothing can be written until space is freed; reads still work. ' +
    'Please try again in a few seconds.',
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A store whose files are on the tmpfs; `close` in afterAll, before the tmpfs goes. */
interface StoreOnTmpfs {
  url: string;
  close(): Promise<void>;
}

/** Each store that can run out of space: what a machine lacks for it (or null), and how to open it. */
const STORES: Array<[string, string | null, (tmpfs: Tmpfs) => Promise<StoreOnTmpfs>]> = [
  [
    'the embedded store',
    tmpfsMissing(),
    async (tmpfs) => ({ url: `sqlite:${tmpfs.dir}/zaqar.db`, close: async () => undefined }),
  ],
  [
    // a cluster of the test's own: a tablespace of the shared one on 5432 must not outlive the tmpfs
    'PostgreSQL, its database in a tablespace on the tmpfs',
    tmpfsMissing() ?? pgClusterMissing(),
    async (tmpfs) => {
      const cluster = await PgCluster.create();
      try {
        return {
          url: await cluster.createDatabaseIn(path.join(tmpfs.dir, 'pg'), 'zaqar'),
          close: () => cluster.destroy(),
        };
      } catch (error) {
        await cluster.destroy();
        throw error;
      }
    },
  ],
];

for (const [name, missing, open] of STORES) {
  describeNeeding(missing, `disk full on ${name}`, () => {
    let tmpfs: Tmpfs | undefined;
    let store: StoreOnTmpfs | undefined;
    let server: StartedServer | undefined;
    let wsPort: number;
    const start = () => startServer({ storageUrl: store!.url, env: { WS_PORT: String(wsPort) } });

    beforeAll(async () => {
      tmpfs = Tmpfs.mount(SIZE_KIB);
      store = await open(tmpfs);
      wsPort = await freePort();
      server = await start();
    });

    afterAll(async () => {
      await server?.kill();
      await store?.close();
      tmpfs?.unmount();
    });

    /**
     * Runs producers and a consumer on a fresh queue, lets `exhaust` take the space, checks what the
     * server answers while it is full, gives the space back with `restore`, and checks, after a
     * SIGKILL and a restart, that every acknowledged message is stored with its body.
     */
    async function throughDiskFull(queue: string, exhaust: () => void, restore: () => void): Promise<void> {
      const client = new ZaqarClient(server!.url);
      await client.createQueue(queue);
      // a message no consumer takes, to read back while full: the load's queue may be empty by then
      const kept = `${queue}-kept`;
      const [keptId] = await client.postMessages(kept, [{ body: 'kept' }]);
      const load = new FaultLoad(client, queue, {
        producers: 4,
        consumer: true,
        timeoutMs: ANSWER_BOUND_MS,
        padding: 1000,
      });
      let failedPosts: Outcome[] = [];
      try {
        await load.acknowledgedMore(200, 30_000);
        exhaust();
        const fullAt = Date.now();
        await until(() => {
          failedPosts = load.outcomes.filter((o) => o.what === 'post' && o.startedAt >= fullAt && o.status !== 201);
          return failedPosts.length >= 20;
        }, 30_000);
        await sleep(1_000);

        // reads go on while nothing can be written
        const listed = await client.get(`/v2/queues/${kept}/messages`, { query: { echo: true } });
        expect(listed.status).toBe(200);
        expect(listed.body.messages.map((m: { id: string }) => m.id)).toEqual([keptId]);
        expect((await client.get(`/v2/queues/${kept}/messages/${keptId}`)).body.body).toBe('kept');
        const [someId] = load.acknowledged.keys();
        expect([200, 404]).toContain((await client.get(`/v2/queues/${queue}/messages/${someId}`)).status);
        expect((await client.get(`/v2/queues/${queue}/stats`)).status).toBe(200);
        expect((await client.get('/v2/queues')).status).toBe(200);

        // Zaqar's WebSocket protocol meets the same store and answers the same 503
        const socket = await ZaqarSocket.open(wsPort);
        const headers = { 'Client-ID': client.clientId, 'X-Project-ID': client.project };
        try {
          const posted = await socket.call({
            action: 'message_post',
            headers,
            body: { queue_name: queue, messages: [{ body: 'x'.repeat(1000) }] },
          });
          expect(posted.headers.status).toBe(503);
          expect(posted.body).toEqual({ exception: FULL.description, error: FULL.description });
        } finally {
          socket.close();
        }

        restore();
        const restoredAt = Date.now();
        await load.acknowledgedMore(200, 30_000);
        await load.stop();
        const recovered = load.firstPostAckedAfter(restoredAt);
        const recoveryMs = recovered!.endedAt - restoredAt;

        for (const outcome of load.outcomes.filter((o) => o.status === 503)) expect(outcome.body).toEqual(FULL);
        expect(failedPosts.every((o) => o.status === 503)).toBe(true);
        expect(server!.process.exitCode).toBeNull();
        expect(recoveryMs).toBeLessThan(RECOVERY_BOUND_MS);

        // what was acknowledged is on disk, not only in the process that acknowledged it
        await server!.kill('SIGKILL');
        server = await start();
        const stored = await readQueue(client.on(server.url), queue);
        const report = reportOf(load, stored);
        console.log(
          `disk full (${queue}): ${report.requests} requests ${JSON.stringify(report.byStatus)}, ` +
            `${load.acknowledged.size} acknowledged, ${load.deleted.size} deleted, ${report.lost.length} lost, ` +
            `first 201 ${recoveryMs} ms after space returned`,
        );
        expect(report.otherFailures).toEqual([]);
        expect(report.lost).toEqual([]);
        expect(report.resurrected).toEqual([]);
        expect(report.altered).toEqual([]);
      } finally {
        await load.stop();
      }
    }

    it('a filler file takes the space: posts answer 503 saying so, reads work, none is lost, posts succeed once it is deleted', async () => {
      await throughDiskFull(
        'filled',
        () => tmpfs!.fill(),
        () => tmpfs!.drain(),
      );
    }, 90_000);

    it('posts fill what is left: 503 saying so until the tmpfs is remounted larger, and none acknowledged is lost', async () => {
      await throughDiskFull(
        'overflowing',
        () => tmpfs!.resize(Math.ceil(tmpfs!.usedBytes / 1024) + 512),
        () => tmpfs!.resize(SIZE_KIB),
      );
    }, 90_000);
  });
}
