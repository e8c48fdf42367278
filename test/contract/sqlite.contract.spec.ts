import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { ROWS_PER_STEP, QueueEraser } from '../../src/storage/sqlite/queue-eraser';
import { SCHEMA_VERSION } from '../../src/storage/sqlite/schema';
import { openSqliteDriver } from '../../src/storage/sqlite/sqlite.driver';
import {
  openSqliteThreadDriver,
  SqliteThreadDriver,
  startSqliteThread,
} from '../../src/storage/sqlite/sqlite-thread.driver';
import { WRITER_AUTOCHECKPOINT_PAGES } from '../../src/storage/sqlite/wal-checkpointer';
import type { ClaimOptions, QueueRef, StorageDriver } from '../../src/storage/storage.contract';
import { describePoolRegistryContract } from './pool-registry-contract';
import { describeStorageContract } from './storage-contract';

const dir = mkdtempSync(join(tmpdir(), 'zaqar-sqlite-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A subdirectory that does not exist yet: opening must create it.
describeStorageContract('sqlite', () => openSqliteDriver(`sqlite:${join(dir, 'data', 'zaqar.db')}`));
// What the server runs: the same driver in a worker thread, every call crossing the thread boundary.
describeStorageContract('sqlite on its own thread', () =>
  openSqliteThreadDriver(`sqlite:${join(dir, 'thread', 'zaqar.db')}`),
);
// Two server processes on one file: the two drivers are two threads on it.
describePoolRegistryContract('sqlite', () => openSqliteThreadDriver(`sqlite:${join(dir, 'registry', 'zaqar.db')}`));

describe('sqlite provider', () => {
  const now = Date.now();
  const ref: QueueRef = { project: 'p', queue: 'q' };
  const message = (body: unknown) => ({ body, ttl: 300, delay: 0 });
  let n = 0;
  const freshFile = () => join(dir, `own-${++n}`, 'zaqar.db');

  async function listAll(driver: StorageDriver, queue = ref) {
    const page = await driver.messages.list(
      queue,
      { limit: 100, clientId: 'reader', echo: true, includeClaimed: true, includeDelayed: true },
      now,
    );
    return page.messages.map((m) => m.body);
  }

  it('a post larger than one multi-row INSERT keeps its order', async () => {
    const driver = await openSqliteDriver(`sqlite:${freshFile()}`);
    try {
      const bodies = Array.from({ length: 75 }, (_, i) => i);
      const ids = await driver.messages.post(ref, 'c', bodies.map(message), now);
      expect(await listAll(driver)).toEqual(bodies);
      expect((await driver.messages.getMany(ref, [ids[74], ids[0], ids[40]], now)).map((m) => m.body)).toEqual([
        0, 40, 74,
      ]);
    } finally {
      await driver.close();
    }
  });

  // What holds for the driver holds for it on its own thread, as the server runs it.
  describe.each([
    ['in the calling thread', openSqliteDriver],
    ['on its own thread', openSqliteThreadDriver],
  ])('%s', (_where, open) => {
    it('a resolved post is on disk: it survives closing and reopening the file', async () => {
      const file = freshFile();
      const first = await open(`sqlite:${file}`);
      await first.queues.create(ref, { kept: 1 }, now);
      await first.messages.post(ref, 'c', [message('a'), message('b')], now);
      await first.close();

      const second = await open(`sqlite:${file}`);
      try {
        expect(await second.queues.getMetadata(ref)).toEqual({ kept: 1 });
        expect(await listAll(second)).toEqual(['a', 'b']);
      } finally {
        await second.close();
      }
    });

    it('two drivers on one file see each other’s writes and never share a claimed message', async () => {
      const file = freshFile();
      const one = await open(`sqlite:${file}`);
      const two = await open(`sqlite:${file}`);
      try {
        await one.messages.post(
          ref,
          'c',
          Array.from({ length: 10 }, (_, i) => message(i)),
          now,
        );
        const claims = await Promise.all(
          [one, two, one, two, one].map((d) => d.claims.create(ref, { ttl: 60, grace: 60, limit: 3 }, now)),
        );
        const ids = claims.flatMap((c) => c.messages.map((m) => m.id));
        expect(ids).toHaveLength(10);
        expect(new Set(ids).size).toBe(10);
      } finally {
        await one.close();
        await two.close();
      }
    });

    it.each([
      ['queue delete', (driver: StorageDriver, queue: QueueRef) => driver.queues.delete(queue)],
      ['purge', (driver: StorageDriver, queue: QueueRef) => driver.messages.purge(queue)],
    ])('a %s of a large queue lets other writes commit between its steps', async (_name, erase) => {
      const driver = await open(`sqlite:${freshFile()}`);
      try {
        const big: QueueRef = { project: 'p', queue: 'big' };
        const bodies = Array.from({ length: 3 * ROWS_PER_STEP }, (_, i) => message(i));
        await driver.messages.post(big, 'c', bodies, now);
        const settled: string[] = [];
        const erased = erase(driver, big).then(() => settled.push('erase'));
        const posted = driver.messages.post(ref, 'c', [message('other')], now).then(() => settled.push('post'));
        await Promise.all([erased, posted]);
        expect(settled).toEqual(['post', 'erase']);
        expect(await listAll(driver, big)).toEqual([]);
        expect(await listAll(driver)).toEqual(['other']);
      } finally {
        await driver.close();
      }
    });

    it('close commits queued writes; afterwards writes are refused and ping answers false', async () => {
      const file = freshFile();
      const driver = await open(`sqlite:${file}`);
      const queued = driver.messages.post(ref, 'c', [message('queued')], now);
      await driver.close();
      await expect(queued).resolves.toHaveLength(1);
      await expect(driver.messages.post(ref, 'c', [message('late')], now)).rejects.toThrow(/closed/);
      expect(await driver.ping()).toBe(false);
      await driver.close();

      const reopened = await open(`sqlite:${file}`);
      try {
        expect(await listAll(reopened)).toEqual(['queued']);
      } finally {
        await reopened.close();
      }
    });
  });

  it('opening a new file waits for another process to let go of it, where the busy timeout does not', async () => {
    // Held by a second connection, the write lock makes the switch to WAL fail at once with
    // SQLITE_BUSY (see enterWalMode): what a second server process opening the file does. (On its
    // own thread the driver opens the same way, too late to be caught by this 100 ms lock.)
    const file = freshFile();
    mkdirSync(dirname(file), { recursive: true });
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    const released = new Promise<void>((resolve) =>
      setTimeout(() => {
        other.exec('COMMIT');
        resolve();
      }, 100),
    );
    try {
      const driver = await openSqliteDriver(`sqlite:${file}`);
      await released;
      await driver.queues.create(ref, {}, now);
      await driver.close();
      expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      await released;
      other.close();
    }
  });

  it('opening records the schema version and refuses a file from a newer schema', async () => {
    const file = freshFile();
    await (await openSqliteDriver(`sqlite:${file}`)).close();
    const raw = new Database(file);
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    await expect(openSqliteDriver(`sqlite:${file}`)).rejects.toThrow(/newer than this build/);
  });

  it('every prepared statement searches an index: no table scan, no sort of a whole queue', async () => {
    const file = freshFile();
    const driver = await openSqliteDriver(`sqlite:${file}`);
    // Exercise the lazily prepared multi-row inserts too.
    await driver.messages.post(ref, 'c', [message(1)], now);
    await driver.messages.post(
      ref,
      'c',
      Array.from({ length: 40 }, (_, i) => message(i)),
      now,
    );
    const raw = new Database(file, { readonly: true });
    try {
      const StatementClass = Object.getPrototypeOf(raw.prepare('SELECT 1')).constructor;
      const sources = new Set<string>();
      const collect = (value: unknown) => {
        if (value instanceof StatementClass) sources.add((value as Database.Statement).source);
        if (value instanceof Map) for (const v of value.values()) collect(v);
        if (value instanceof QueueEraser) for (const v of Object.values(value)) collect(v);
      };
      for (const holder of [
        driver,
        driver.queues,
        driver.messages,
        driver.claims,
        driver.subscriptions,
        driver.deliveries,
      ]) {
        for (const value of Object.values(holder)) collect(value);
      }
      expect(sources.size).toBeGreaterThan(30);

      for (const source of sources) {
        const names = [...new Set(source.match(/@\w+/g) ?? [])].map((n) => n.slice(1));
        const params =
          names.length > 0
            ? [Object.fromEntries(names.map((n) => [n, null]))]
            : new Array((source.match(/\?/g) ?? []).length).fill(null);
        const plan = (raw.prepare(`EXPLAIN QUERY PLAN ${source}`).all(...params) as { detail: string }[])
          .map((row) => row.detail)
          .join(' | ');
        const context = `${source}\n  → ${plan}`;
        if (process.env.SHOW_PLANS) console.log(context);
        // Health counts the whole failed list, and the sweep walks it for ended subscriptions' entries:
        // both off every request path.
        const countsFailed =
          source === 'SELECT count(*) FROM failed_deliveries' ||
          source.startsWith('DELETE FROM failed_deliveries WHERE id IN');
        const scans = /\bSCAN (messages|queues|claims|subscriptions|deliveries|failed_deliveries)\b/.test(plan);
        expect({ context, scan: scans && !countsFailed }).toEqual({ context, scan: false });
        // Sorting is fine for the few rows found by id or claim, never for a walk of the queue.
        const sortsFew = /INDEXED BY messages_(queue_id|claim)\b/.test(source);
        expect({ context, sorts: !sortsFew && plan.includes('TEMP B-TREE') }).toEqual({ context, sorts: false });
      }
    } finally {
      raw.close();
      await driver.close();
    }
  });

  it('the WAL stays bounded under a stream of commits, and its pages reach the database file', async () => {
    const file = freshFile();
    const driver = await openSqliteDriver(`sqlite:${file}`);
    const body = 'x'.repeat(1024 * 1024);
    const backstopBytes = WRITER_AUTOCHECKPOINT_PAGES * 4096;
    try {
      // Three times what the WAL may hold before the committing connection checkpoints itself.
      const posts = Math.ceil((3 * backstopBytes) / body.length);
      for (let i = 0; i < posts; i++) await driver.messages.post(ref, 'c', [message(body)], now);
      // Frames carry a 24-byte header. Room for a few posts past the backstop: the commit that crosses
      // it checkpoints, and if the checkpoint thread holds the file just then, so does the next.
      expect(statSync(`${file}-wal`).size).toBeLessThanOrEqual(((backstopBytes + 4 * body.length) * 4120) / 4096);
      expect(statSync(file).size).toBeGreaterThan(body.length);
    } finally {
      await driver.close();
    }
  });

  it('deleting a queue that holds more than the WAL may hold leaves the WAL bounded', async () => {
    const file = freshFile();
    const driver = await openSqliteDriver(`sqlite:${file}`);
    const backstopBytes = WRITER_AUTOCHECKPOINT_PAGES * 4096;
    try {
      const big: QueueRef = { project: 'p', queue: 'big' };
      const body = 'x'.repeat(1000);
      // 1.5 times the backstop in message bodies alone, posted in batches the WAL can absorb.
      const batch = Array.from({ length: 1000 }, () => message(body));
      for (let posted = 0; posted < (1.5 * backstopBytes) / body.length; posted += batch.length) {
        await driver.messages.post(big, 'c', batch, now);
      }
      await driver.queues.delete(big);
      // One transaction for the whole queue would write every page it frees to the WAL at once.
      expect(statSync(`${file}-wal`).size).toBeLessThanOrEqual(backstopBytes * 1.25);
      expect(await listAll(driver, big)).toEqual([]);
    } finally {
      await driver.close();
    }
  });

  it('sqlite::memory: gives a private working database', async () => {
    const driver = await openSqliteDriver('sqlite::memory:');
    try {
      await driver.messages.post(ref, 'c', [message('m')], now);
      expect(await listAll(driver)).toEqual(['m']);
      expect(await driver.ping()).toBe(true);
    } finally {
      await driver.close();
    }
  });

  it('a deleted queue leaves no row; the one seq floor keeps a re-created queue above its old seqs', async () => {
    const file = freshFile();
    const driver = await openSqliteDriver(`sqlite:${file}`);
    try {
      for (let i = 0; i < 50; i++) {
        const queue = { project: 'p', queue: `reply-${i}` };
        await driver.messages.post(queue, 'c', [message(i), message(i)], now);
        await driver.queues.delete(queue);
      }
      await driver.messages.post(ref, 'c', [message('a')], now);
    } finally {
      await driver.close();
    }
    const raw = new Database(file);
    try {
      expect(raw.prepare('SELECT project, name FROM queues').all()).toEqual([{ project: 'p', name: 'q' }]);
      // 50 queues of 2 messages each, every one started at the floor its predecessor left
      expect(raw.prepare('SELECT value FROM seq_floor').pluck().get()).toBe(50 * 2);
      expect(raw.prepare("SELECT seq FROM messages WHERE queue = 'q'").pluck().all()).toEqual([101]);
    } finally {
      raw.close();
    }
  });

  it('upgrading a version 1 file turns the deleted queues it kept into the seq floor', async () => {
    const file = freshFile();
    await (await openSqliteDriver(`sqlite:${file}`)).close();
    const raw = new Database(file);
    raw.exec('DROP TABLE seq_floor');
    raw.exec('DROP TABLE subscriptions; DROP TABLE deliveries; DROP TABLE failed_deliveries');
    raw.exec('DROP TABLE pools; DROP TABLE flavors; DROP TABLE catalog; DROP TABLE registry_version');
    raw.exec(`CREATE TABLE retired_queues (project TEXT NOT NULL, name TEXT NOT NULL, last_seq INTEGER NOT NULL,
              PRIMARY KEY (project, name)) WITHOUT ROWID`);
    raw.exec("INSERT INTO retired_queues VALUES ('p', 'q', 70), ('p', 'other', 40)");
    raw.pragma('user_version = 1');
    raw.close();

    const driver = await openSqliteDriver(`sqlite:${file}`);
    try {
      await driver.messages.post(ref, 'c', [message('after')], now);
      const page = await driver.messages.list(
        ref,
        { marker: '70', limit: 10, clientId: 'reader', echo: true, includeClaimed: true, includeDelayed: true },
        now,
      );
      expect(page.messages.map((m) => m.body)).toEqual(['after']);
    } finally {
      await driver.close();
    }
    const upgraded = new Database(file);
    try {
      expect(upgraded.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(upgraded.prepare("SELECT name FROM sqlite_master WHERE name = 'retired_queues'").all()).toEqual([]);
    } finally {
      upgraded.close();
    }
  });

  describe('on its own thread', () => {
    it('an error opening the file reaches the caller with its message', async () => {
      const file = freshFile();
      await (await openSqliteThreadDriver(`sqlite:${file}`)).close();
      const raw = new Database(file);
      raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
      raw.close();
      await expect(openSqliteThreadDriver(`sqlite:${file}`)).rejects.toThrow(/newer than this build/);
      await expect(openSqliteThreadDriver('sqlite:')).rejects.toThrow(/names no file/);
    });

    it('a call that throws before it returns a promise fails alone; the thread goes on serving', async () => {
      const driver = await openSqliteThreadDriver(`sqlite:${freshFile()}`);
      try {
        // No options at all: the store reads options.limit before it queues anything.
        const broken = driver.claims.create(ref, undefined as unknown as ClaimOptions, now);
        await expect(broken).rejects.toMatchObject({ name: 'TypeError' });
        await expect(driver.messages.post(ref, 'c', [message('after')], now)).resolves.toHaveLength(1);
        expect(await driver.ping()).toBe(true);
      } finally {
        await driver.close();
      }
    });

    it('when the thread dies, every call waiting and every later one fails, and ping answers false', async () => {
      const worker = await startSqliteThread(`sqlite:${freshFile()}`);
      const driver = new SqliteThreadDriver(worker);
      await driver.messages.post(ref, 'c', [message('before')], now);
      const inFlight = Array.from({ length: 200 }, (_, i) => driver.messages.post(ref, 'c', [message(i)], now));
      await worker.terminate();
      const outcomes = await Promise.allSettled(inFlight);
      const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(failed.length).toBeGreaterThan(0);
      for (const f of failed) expect(String(f.reason)).toMatch(/SQLite thread exited/);
      await expect(driver.messages.post(ref, 'c', [message('after')], now)).rejects.toThrow(/SQLite thread exited/);
      expect(await driver.ping()).toBe(false);
      await driver.close();
    });

    it('the answers to writes that share one commit come back to the server thread as one message', async () => {
      const file = freshFile();
      const worker = await startSqliteThread(`sqlite:${file}`);
      const driver = new SqliteThreadDriver(worker);
      const raw = new Database(file);
      const messagesSeen: number[] = [];
      worker.on('message', (answers: unknown[]) => messagesSeen.push(answers.length));
      try {
        // Another connection holds the write lock: the thread waits on a first post's commit while
        // the 32 queue up behind it, so they all reach the thread before it can start their group.
        raw.exec('BEGIN IMMEDIATE');
        const first = driver.messages.post(ref, 'c', [message('first')], now);
        await new Promise((resolve) => setTimeout(resolve, 300));
        const posts = Array.from({ length: 32 }, (_, i) => driver.messages.post(ref, 'c', [message(i)], now));
        await new Promise((resolve) => setTimeout(resolve, 100));
        raw.exec('COMMIT');
        await first;
        expect(await Promise.all(posts)).toHaveLength(32);
        // [1, 32] once the thread was waiting on the first commit; [33] if it had not yet seen the first
        expect(messagesSeen).toEqual(messagesSeen.length === 1 ? [33] : [1, 32]);
      } finally {
        raw.close();
        await driver.close();
      }
    });

    it('an error inside the thread keeps its name, message and code', async () => {
      const file = freshFile();
      const driver = await openSqliteThreadDriver(`sqlite:${file}`);
      const raw = new Database(file);
      try {
        // Another connection holds the write lock past the driver's busy timeout.
        raw.pragma('busy_timeout = 0');
        raw.exec('BEGIN IMMEDIATE');
        const refused = driver.messages.post(ref, 'c', [message('blocked')], now);
        await expect(refused).rejects.toMatchObject({ name: 'SqliteError', code: 'SQLITE_BUSY' });
        raw.exec('ROLLBACK');
        await expect(driver.messages.post(ref, 'c', [message('after')], now)).resolves.toHaveLength(1);
      } finally {
        raw.close();
        await driver.close();
      }
    }, 20000);
  });
});
