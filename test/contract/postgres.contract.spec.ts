import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Client, escapeLiteral } from 'pg';
import { DataSource } from 'typeorm';
import { openPostgresDriver } from '../../src/storage/postgres/postgres.driver';
import { CLAIM_BATCH_SQL } from '../../src/storage/postgres/pg-claim.store';
import { LIST_SQL, POP_SQL } from '../../src/storage/postgres/pg-message.store';
import { DeleteQueueRows1765000000000 } from '../../src/storage/postgres/migrations/1765000000000-DeleteQueueRows';
import {
  postgresDataSourceOptions,
  postgresMigrations,
  withSessionOptions,
} from '../../src/storage/postgres/postgres.schema';
import type { QueueRef, StorageDriver } from '../../src/storage/storage.contract';
import { PG_ADMIN_URL, postgresBackend, type TestBackend } from '../support/backends';
import { describePoolRegistryContract } from './pool-registry-contract';
import { describeStorageContract } from './storage-contract';

/**
 * Whether PostgreSQL answers, asked synchronously (Jest collects tests synchronously) from a
 * child process. Only used to decide skipping outside CI; in CI an unreachable server must fail.
 */
function postgresAnswers(): boolean {
  const probe = `
    const { Client } = require(${JSON.stringify(require.resolve('pg'))});
    const c = new Client({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 });
    c.connect().then(() => c.end()).then(() => process.exit(0), () => process.exit(1));`;
  return spawnSync(process.execPath, ['-e', probe, PG_ADMIN_URL], { timeout: 10_000 }).status === 0;
}

if (process.env.CI !== 'true' && !postgresAnswers()) {
  describe.skip(`storage contract: postgres (no PostgreSQL at ${PG_ADMIN_URL})`, () => {
    it('needs PostgreSQL', () => undefined);
  });
} else {
  // A database of its own, created before the suite opens its driver and dropped after it closes.
  let backend: TestBackend | undefined;
  beforeAll(async () => {
    backend = await postgresBackend();
  });
  afterAll(async () => {
    await backend?.drop();
  });
  const url = () => {
    if (!backend) throw new Error('the test database was not created');
    return backend.url;
  };

  describeStorageContract('postgres', () => openPostgresDriver(url()));
  describePoolRegistryContract('postgres', () => openPostgresDriver(url()));

  describe('postgres provider', () => {
    const now = Date.now();
    const message = (body: unknown) => ({ body, ttl: 300, delay: 0 });
    const postThousand = (to: StorageDriver, ref: QueueRef) =>
      to.messages.post(
        ref,
        'c',
        Array.from({ length: 1000 }, (_, k) => message(k)),
        now,
      );
    const everyone = { clientId: 'reader', echo: true, includeClaimed: true, includeDelayed: true };
    let n = 0;
    const freshQueue = (): QueueRef => ({ project: `pg-${process.pid}-${++n}`, queue: 'q' });
    let driver: StorageDriver;

    beforeAll(async () => {
      driver = await openPostgresDriver(url());
    });
    afterAll(async () => {
      await driver?.close();
    });

    async function listAll(d: StorageDriver, ref: QueueRef) {
      return (await d.messages.list(ref, { limit: 10_000, ...everyone }, now)).messages;
    }

    it('bodies keep their key order and may carry \\u0000', async () => {
      const ref = freshQueue();
      const body = { zeta: 1, alpha: { z: 'x\u0000y', a: [3, 2, 1] } };
      const [id] = await driver.messages.post(ref, 'c', [message(body)], now);
      const got = await driver.messages.get(ref, id, now);
      expect(JSON.stringify(got?.body)).toBe(JSON.stringify(body));
    });

    it('queue metadata keeps its key order and may carry \\u0000; a queue marker may hold NUL', async () => {
      const ref = freshQueue();
      const metadata = { zeta: 'x\u0000y', alpha: { b: 1, a: 2 } };
      await driver.queues.create(ref, metadata, now);
      expect(JSON.stringify(await driver.queues.getMetadata(ref))).toBe(JSON.stringify(metadata));
      await driver.queues.create({ project: ref.project, queue: 'q-' }, {}, now);
      const names = (marker: string) =>
        driver.queues.list(ref.project, { marker, limit: 10, detailed: false }).then((l) => l.map((q) => q.name));
      expect(await names('q\u0000')).toEqual(['q', 'q-'].filter((n) => n > 'q\u0000'));
      expect(await names('\u0000')).toEqual(['q', 'q-']);
    });

    it('a reader paging with markers misses nothing while producers on two drivers post concurrently', async () => {
      const ref = freshQueue();
      const other = await openPostgresDriver(url());
      try {
        const drivers = [driver, other];
        const perProducer = 60;
        let writing = true;
        const seen: string[] = [];
        const reader = (async () => {
          let marker: string | undefined;
          for (;;) {
            const finished = !writing;
            const page = await other.messages.list(ref, { marker, limit: 7, ...everyone }, now);
            seen.push(...page.messages.map((m) => m.id));
            if (page.marker) marker = page.marker;
            if (page.messages.length === 0 && finished) break;
          }
        })();
        const producers = await Promise.all(
          Array.from({ length: 16 }, async (_, p) => {
            const ids: string[] = [];
            for (let i = 0; i < perProducer; i++) {
              ids.push(...(await drivers[p % 2].messages.post(ref, `p${p}`, [message({ p, i })], now)));
            }
            return ids;
          }),
        );
        writing = false;
        await reader;
        const position = new Map(seen.map((id, i) => [id, i]));
        expect(seen).toHaveLength(16 * perProducer);
        for (const ids of producers) {
          const at = ids.map((id) => position.get(id)!);
          expect(at).toEqual([...at].sort((a, b) => a - b));
        }
      } finally {
        await other.close();
      }
    });

    it('eight claim loops on two drivers drain a queue, each message delivered once', async () => {
      const ref = freshQueue();
      const total = 2000;
      for (let i = 0; i < total; i += 200) {
        await driver.messages.post(
          ref,
          'c',
          Array.from({ length: 200 }, (_, k) => message(i + k)),
          now,
        );
      }
      const other = await openPostgresDriver(url());
      try {
        const drivers = [driver, other];
        const delivered: string[] = [];
        await Promise.all(
          Array.from({ length: 8 }, async (_, w) => {
            const d = drivers[w % 2];
            for (;;) {
              const batch = await d.claims.create(ref, { ttl: 60, grace: 60, limit: 10 }, now);
              if (batch.messages.length === 0) {
                if ((await d.queues.stats(ref, now)).total === 0) return;
                continue;
              }
              delivered.push(...batch.messages.map((m) => m.id));
              const ids = batch.messages.map((m) => m.id);
              expect(await d.messages.deleteMany(ref, ids, [batch.claimId], now)).toEqual({
                deleted: ids.length,
                refused: [],
              });
            }
          }),
        );
        expect(delivered).toHaveLength(total);
        expect(new Set(delivered).size).toBe(total);
      } finally {
        await other.close();
      }
    });

    it('a deleted and re-created queue continues its sequence: old markers and known heads stay true', async () => {
      const ref = freshQueue();
      const claimAll = () => driver.claims.create(ref, { ttl: 60, grace: 60, limit: 10 }, now);
      await driver.messages.post(ref, 'c', [message('a'), message('b')], now);
      const old = await driver.messages.list(ref, { limit: 10, ...everyone }, now);
      const drained = await claimAll();
      await driver.messages.deleteMany(
        ref,
        drained.messages.map((m) => m.id),
        [drained.claimId],
        now,
      );
      expect((await claimAll()).messages).toEqual([]); // this driver now knows the queue's head

      await driver.queues.delete(ref);
      expect(await driver.queues.getMetadata(ref)).toBeNull();
      expect(await driver.queues.list(ref.project, { limit: 10, detailed: false })).toEqual([]);
      expect(await driver.queues.create(ref, { again: true }, now)).toBe(true);
      expect(await driver.queues.getMetadata(ref)).toEqual({ again: true });
      await driver.messages.post(ref, 'c', [message('new')], now);

      const page = await driver.messages.list(ref, { marker: old.marker!, limit: 10, ...everyone }, now);
      expect(page.messages.map((m) => m.body)).toEqual(['new']);
      expect(BigInt(page.marker!)).toBeGreaterThan(BigInt(old.marker!));
      expect((await claimAll()).messages.map((m) => m.body)).toEqual(['new']);
    });

    it('a deleted queue leaves no row behind, however many names come and go', async () => {
      const project = `pg-${process.pid}-replies-${++n}`;
      await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const ref = { project, queue: `reply-${i}` };
          await driver.queues.create(ref, {}, now);
          await driver.messages.post(ref, 'c', [message(i)], now);
          await driver.queues.delete(ref);
        }),
      );
      const client = new Client({ connectionString: url() });
      await client.connect();
      try {
        const count = async (table: string, column: string) =>
          (await client.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`, [project])).rows[0].n;
        expect([await count('queues', 'project'), await count('messages', 'project')]).toEqual([0, 0]);
      } finally {
        await client.end();
      }
    });

    it('upgrading removes the deleted queues kept as rows; their names start above the old counters', async () => {
      const fresh = await postgresBackend();
      try {
        const before = new DataSource({
          ...postgresDataSourceOptions(fresh.url),
          migrations: postgresMigrations.filter((m) => m !== DeleteQueueRows1765000000000),
        });
        await before.initialize();
        await before.runMigrations();
        // what the earlier schema left after deleting queue 'gone' at seq 70, beside a live queue
        await before.query(`INSERT INTO queues (project, name, metadata, created, last_seq)
                            VALUES ('p', 'gone', NULL, 0, 70), ('p', 'live', '{"a":1}', 0, 5)`);
        await before.destroy();

        const upgraded = await openPostgresDriver(fresh.url);
        try {
          expect(await upgraded.queues.list('p', { limit: 10, detailed: true })).toEqual([
            { name: 'live', metadata: { a: 1 } },
          ]);
          await upgraded.messages.post({ project: 'p', queue: 'gone' }, 'c', [message('again')], now);
          const page = await upgraded.messages.list(
            { project: 'p', queue: 'gone' },
            { marker: '70', limit: 10, ...everyone },
            now,
          );
          expect(page.messages.map((m) => m.body)).toEqual(['again']);
          await upgraded.messages.post({ project: 'p', queue: 'live' }, 'c', [message('next')], now);
          expect((await listAll(upgraded, { project: 'p', queue: 'live' })).map((m) => m.body)).toEqual(['next']);
        } finally {
          await upgraded.close();
        }
      } finally {
        await fresh.drop();
      }
    });

    it('posting to a deleted queue creates it again, with empty metadata', async () => {
      const ref = freshQueue();
      await driver.queues.create(ref, { first: 1 }, now);
      await driver.queues.delete(ref);
      expect(await driver.queues.count(ref.project)).toBe(0);
      await driver.messages.post(ref, 'c', [message('x')], now);
      expect(await driver.queues.getMetadata(ref)).toEqual({});
      expect(await driver.queues.count(ref.project)).toBe(1);
      expect(await driver.queues.create(ref, { second: 2 }, now)).toBe(false);
    });

    it('pooled sessions use generic plans, no sequential or bitmap scans, and no JIT', async () => {
      const client = new Client({ connectionString: withSessionOptions(url()) });
      await client.connect();
      try {
        const settings = ['plan_cache_mode', 'enable_seqscan', 'enable_bitmapscan', 'jit'];
        const values = [];
        for (const name of settings) values.push((await client.query(`SHOW ${name}`)).rows[0][name]);
        expect(values).toEqual(['force_generic_plan', 'off', 'off', 'off']);
      } finally {
        await client.end();
      }
    });

    it('list, claim and pop walk the primary key after churn has left the indexes large', async () => {
      const fresh = await postgresBackend();
      const churned = await openPostgresDriver(fresh.url);
      const client = new Client({ connectionString: withSessionOptions(fresh.url) });
      try {
        // A burst of 20,000 messages, consumed: the table is small again, its indexes are not.
        const burst = freshQueue();
        for (let i = 0; i < 20; i++) await postThousand(churned, burst);
        await churned.queues.delete(burst);
        const ref = freshQueue();
        await churned.messages.post(
          ref,
          'c',
          Array.from({ length: 50 }, (_, k) => message(k)),
          now,
        );
        await client.connect();
        await client.query('VACUUM ANALYZE messages');
        const [project, queue] = [escapeLiteral(ref.project), escapeLiteral(ref.queue)];
        const claimId = escapeLiteral(randomUUID());
        const statements: Array<[string, string, string]> = [
          ['list', LIST_SQL, `${project}, ${queue}, ${now}, 0, true, 'c', true, true, 10, true`],
          [
            'claim',
            CLAIM_BATCH_SQL,
            `${project}, ${queue}, ${now}, 10, ARRAY[${claimId}]::uuid[], '{10}', '{${now + 60_000}}', ` +
              `'{${now + 120_000}}', '{120}', '{60}', '{60}', '{${now}}', 0`,
          ],
          ['pop', POP_SQL, `${project}, ${queue}, ${now}, 10, 0`],
        ];
        for (const [name, sql, args] of statements) {
          await client.query(`PREPARE ${name} AS ${sql}`);
          const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE ${name}(${args})`);
          // Every read of the messages table is a walk of its primary key.
          const scans = rows.map((row) => row['QUERY PLAN']).filter((line) => /Scan (.* )?on messages\b/.test(line));
          expect(scans.length).toBeGreaterThan(0);
          for (const scan of scans)
            expect({ name, scan }).toEqual({
              name,
              scan: expect.stringMatching(/Index (Only )?Scan using messages_pkey/),
            });
        }
      } finally {
        await client.end();
        await churned.close();
        await fresh.drop();
      }
    });

    it("the sweep's VACUUM leaves a drained table's empty end in place instead of locking the table to cut it", async () => {
      const fresh = await postgresBackend();
      const swept = await openPostgresDriver(fresh.url);
      const client = new Client({ connectionString: fresh.url });
      try {
        const burst = freshQueue();
        for (let i = 0; i < 5; i++) {
          await postThousand(swept, burst);
          await swept.claims.create(burst, { ttl: 60, grace: 60, limit: 20 }, now);
        }
        await swept.queues.delete(burst);
        await client.connect();
        const size = async () =>
          (
            await client.query<{ messages: string; claims: string }>(
              `SELECT pg_relation_size('messages') AS messages, pg_relation_size('claims') AS claims`,
            )
          ).rows[0];
        const before = await size();
        expect(Number(before.messages)).toBeGreaterThan(0);
        expect(Number(before.claims)).toBeGreaterThan(0);
        await swept.sweep(now); // a fresh driver's first sweep vacuums
        const { rows } = await client.query<{ n: string }>(
          `SELECT vacuum_count AS n FROM pg_stat_user_tables WHERE relname = 'messages'`,
        );
        expect(Number(rows[0].n)).toBe(1);
        expect(await size()).toEqual(before);
      } finally {
        await client.end();
        await swept.close();
        await fresh.drop();
      }
    });

    it('two processes opening a fresh database at once both migrate it safely', async () => {
      const fresh = await postgresBackend();
      try {
        const [one, two] = await Promise.all([openPostgresDriver(fresh.url), openPostgresDriver(fresh.url)]);
        const ref = freshQueue();
        await one.messages.post(ref, 'c', [message('x')], now);
        expect((await listAll(two, ref)).map((m) => m.body)).toEqual(['x']);
        await Promise.all([one.close(), two.close()]);
        const client = new Client({ connectionString: fresh.url });
        await client.connect();
        try {
          const { rows } = await client.query('SELECT name FROM typeorm_migrations ORDER BY id');
          expect(rows.map((r) => r.name)).toEqual(postgresMigrations.map((m) => new m().name));
        } finally {
          await client.end();
        }
      } finally {
        await fresh.drop();
      }
    });

    it('close commits queued posts; afterwards posts are refused and ping answers false', async () => {
      const ref = freshQueue();
      const closing = await openPostgresDriver(url());
      const queued = closing.messages.post(ref, 'c', [message('queued')], now);
      await closing.close();
      await expect(queued).resolves.toHaveLength(1);
      await expect(closing.messages.post(ref, 'c', [message('late')], now)).rejects.toThrow(/closed/);
      expect(await closing.ping()).toBe(false);
      await closing.close();
      expect((await listAll(driver, ref)).map((m) => m.body)).toEqual(['queued']);
    });

    it('an unreachable server fails to open instead of hanging', async () => {
      await expect(openPostgresDriver('postgres://postgres@127.0.0.1:1/none')).rejects.toThrow();
    });
  });
}
