import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { PoolRegistry } from '../pool-registry.contract';
import type {
  ClaimStore,
  DeliveryStore,
  MessageStore,
  QueueStore,
  StorageDriver,
  SubscriptionStore,
  SweepResult,
} from '../storage.contract';
import { boundLimit } from './bound-limit';
import { GroupCommit, type Transact } from './group-commit';
import { prepareQueueCounters, type QueueCounters } from './queue-counters';
import { QueueEraser, ROWS_PER_STEP } from './queue-eraser';
import { applySchema } from './schema';
import { SqliteClaimStore } from './sqlite-claim.store';
import { prepareDeliveryOutbox, SqliteDeliveryStore } from './sqlite-delivery.store';
import { sqliteErrorCode } from './sqlite-error-code';
import { SqliteMessageStore } from './sqlite-message.store';
import { SqlitePoolRegistry } from './sqlite-pool-registry';
import { SqliteQueueStore } from './sqlite-queue.store';
import { SqliteSubscriptionStore } from './sqlite-subscription.store';
import { parseSqliteUrl } from './sqlite-url';
import { WalCheckpointer, WRITER_AUTOCHECKPOINT_PAGES } from './wal-checkpointer';
import { enterWalMode } from './wal-mode';

/** How long a connection waits for another process's lock before it fails with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;
/** Queues a sweep visits per transaction. */
const SWEEP_QUEUES = 200;
/** A group of writes this large commits without waiting for the end of the turn. */
const MAX_GROUP = 1000;
/** How much of the database file is read through a memory map. */
const MMAP_BYTES = 1024 ** 3;
/**
 * Page cache per connection, in KiB. With the file memory-mapped, it mostly holds pages being
 * written and pages not yet copied from the WAL. 8 MiB did as well as 64 on list and better on
 * the worker cycle (README, Benchmark).
 */
const CACHE_KIB = 8192;
/** Failures of the database itself, not of one operation: retrying a group's writes one by one cannot help. */
const DATABASE_FAILURE = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|CORRUPT|NOTADB|READONLY|CANTOPEN|NOMEM|PROTOCOL)/;

/**
 * Opens (creating if needed) the SQLite database the URL names, e.g. `sqlite:data/zaqar.db`.
 * Usable outside Nest's DI: a pooling layer opens one driver per pool.
 */
export async function openSqliteDriver(url: string): Promise<StorageDriver> {
  const location = parseSqliteUrl(url);
  if (!location.memory) mkdirSync(dirname(location.path), { recursive: true });
  const db = new Database(location.path);
  let checkpointer: WalCheckpointer | null = null;
  try {
    // Another process may hold the write lock (one file, several server processes): wait for it.
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (!location.memory) await enterWalMode(db, BUSY_TIMEOUT_MS);
    db.pragma(`synchronous = ${location.synchronous}`);
    db.pragma('temp_store = MEMORY');
    // Pages of the database file are read through a memory map, without a syscall each; the page
    // cache then only needs to hold the pages being written and those read back from the WAL.
    // SQLite walks the whole cache at the end of any commit in which a B-tree split renumbered its
    // pages (see README, Benchmark), so a smaller cache makes those commits cheaper.
    db.pragma(`mmap_size = ${MMAP_BYTES}`);
    db.pragma(`cache_size = -${CACHE_KIB}`);
    // A burst can grow the WAL; give the space back after the next checkpoint.
    db.pragma('journal_size_limit = 67108864');
    applySchema(db);
    if (!location.memory) {
      checkpointer = await WalCheckpointer.start(location.path);
      db.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`);
    }
    return new SqliteDriver(db, location.groupCommitMs, checkpointer);
  } catch (error) {
    await checkpointer?.close();
    db.close();
    throw error;
  }
}

interface QueueKey {
  project: string;
  name: string;
}

class SqliteDriver implements StorageDriver {
  readonly queues: QueueStore;
  readonly messages: MessageStore;
  readonly claims: ClaimStore;
  readonly subscriptions: SubscriptionStore;
  readonly deliveries: DeliveryStore;
  readonly registry: PoolRegistry;
  private readonly writes: GroupCommit;
  private readonly counters: QueueCounters;
  private readonly queuesFrom: Database.Statement;
  private readonly queuesAfter: Database.Statement;
  private readonly sweepQueue: Database.Statement;
  private readonly sweepClaims: Database.Statement;
  private readonly sweepSubscriptions: Database.Statement;
  private readonly sweepOrphanedFailures: Database.Statement;
  private readonly selectOne: Database.Statement;
  private closed = false;

  constructor(
    private readonly db: Database.Database,
    groupCommitMs: number,
    private readonly checkpointer: WalCheckpointer | null,
  ) {
    // IMMEDIATE: take the write lock at BEGIN, so a second process waits at the start instead of
    // failing with SQLITE_BUSY when a read transaction tries to upgrade.
    const tx = db.transaction((body: () => unknown) => body());
    const transact: Transact = (body) => tx.immediate(body) as ReturnType<typeof body>;
    this.writes = new GroupCommit(transact, {
      windowMs: groupCommitMs,
      maxBatch: MAX_GROUP,
      retryAlone: (error) => !DATABASE_FAILURE.test(sqliteErrorCode(error) ?? ''),
      committed: checkpointer ? () => checkpointer.committed() : undefined,
    });
    this.counters = prepareQueueCounters(db);
    // One set of counters for every writer of message rows, and one eraser for queue delete and
    // purge, which empty a queue the same way.
    const eraser = new QueueEraser(db, this.writes, this.counters);
    this.queues = new SqliteQueueStore(db, this.writes, eraser);
    this.messages = new SqliteMessageStore(db, this.writes, this.counters, eraser, prepareDeliveryOutbox(db));
    this.claims = new SqliteClaimStore(db, this.writes, this.counters);
    this.subscriptions = new SqliteSubscriptionStore(db, this.writes);
    this.deliveries = new SqliteDeliveryStore(db, this.writes);
    this.registry = new SqlitePoolRegistry(db, this.writes);
    this.queuesFrom = db.prepare(
      `SELECT project, name FROM queues WHERE (project, name) >= (?, ?) ORDER BY project, name LIMIT ${boundLimit()}`,
    );
    this.queuesAfter = db.prepare(
      `SELECT project, name FROM queues WHERE (project, name) > (?, ?) ORDER BY project, name LIMIT ${boundLimit()}`,
    );
    this.sweepQueue = db.prepare(
      `DELETE FROM messages WHERE rowid IN (
         SELECT rowid FROM messages INDEXED BY messages_queue_expires
          WHERE project = ? AND queue = ? AND expires <= ? LIMIT ${boundLimit()})`,
    );
    this.sweepClaims = db.prepare(
      `DELETE FROM claims WHERE (project, queue, id) IN
         (SELECT project, queue, id FROM claims WHERE expires <= ? LIMIT ${boundLimit()})`,
    );
    this.sweepSubscriptions = db.prepare(
      `DELETE FROM subscriptions WHERE (project, queue, id) IN
         (SELECT project, queue, id FROM subscriptions WHERE expires <= ? LIMIT ${boundLimit()})`,
    );
    // Failed deliveries of a subscription that ended (deleted, expired, its queue gone) go with it.
    this.sweepOrphanedFailures = db.prepare(
      `DELETE FROM failed_deliveries WHERE id IN (
         SELECT f.id FROM failed_deliveries f
          WHERE NOT EXISTS (SELECT 1 FROM subscriptions s
                             WHERE s.project = f.project AND s.queue = f.queue AND s.id = f.subscription_id
                               AND s.expires > ?)
          LIMIT ${boundLimit()})`,
    );
    this.selectOne = db.prepare('SELECT 1').pluck();
  }

  /**
   * Walks the queues in key order, deleting each one's expired messages (found in
   * messages_queue_expires, so the per-queue row counts stay exact) in steps of at most ROWS_PER_STEP
   * rows. Each step is its own commit group, so requests are served between steps.
   */
  async sweep(now: number): Promise<SweepResult> {
    const result: SweepResult = { messages: 0, claims: 0, subscriptions: 0 };
    let cursor: QueueKey = { project: '', name: '' };
    let inclusive = true;
    for (;;) {
      // The step reports what it removed rather than adding to `result` itself: a step may run twice
      // if its commit group fails (see GroupCommit).
      const step = await this.writes.submit(() => {
        let budget = ROWS_PER_STEP;
        const page = (inclusive ? this.queuesFrom : this.queuesAfter).all(
          cursor.project,
          cursor.name,
          SWEEP_QUEUES,
        ) as QueueKey[];
        for (const queue of page) {
          const ref = { project: queue.project, queue: queue.name };
          const removed = this.sweepQueue.run(queue.project, queue.name, now, budget).changes;
          this.counters.remove(ref, removed);
          budget -= removed;
          // Out of budget: this queue may hold more, so the next step starts at it again.
          if (budget === 0) return { removed: ROWS_PER_STEP, next: queue, inclusive: true, done: false };
        }
        const last = page[page.length - 1];
        return { removed: ROWS_PER_STEP - budget, next: last, inclusive: false, done: page.length < SWEEP_QUEUES };
      });
      result.messages += step.removed;
      if (step.done) break;
      cursor = step.next;
      inclusive = step.inclusive;
    }
    result.claims = await this.sweepInSteps(this.sweepClaims, now);
    result.subscriptions = await this.sweepInSteps(this.sweepSubscriptions, now);
    await this.sweepInSteps(this.sweepOrphanedFailures, now);
    return result;
  }

  /** Runs a sweep statement (now, limit) a step at a time until a step removes less than a full one. */
  private async sweepInSteps(statement: Database.Statement, now: number): Promise<number> {
    let total = 0;
    for (;;) {
      const removed = await this.writes.submit(() => statement.run(now, ROWS_PER_STEP).changes);
      total += removed;
      if (removed < ROWS_PER_STEP) return total;
    }
  }

  async ping(): Promise<boolean> {
    try {
      return this.selectOne.get() === 1;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.writes.close();
    // Its connection goes first, so that closing the last one copies the rest of the WAL in and
    // removes the file.
    await this.checkpointer?.close();
    // No ANALYZE / PRAGMA optimize: the statements are written for the plans they should take, and
    // statistics gathered on a skewed moment could steer the planner elsewhere.
    this.db.close();
  }
}
