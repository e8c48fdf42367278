import type Database from 'better-sqlite3';
import type { Metadata, QueueListing, QueueListOptions, QueueRef, QueueStats, QueueStore } from '../storage.contract';
import { boundLimit } from './bound-limit';
import type { GroupCommit } from './group-commit';
import { MESSAGE_COLUMNS, type MessageRow, toMessageRecord } from './message-row';
import { FIRST_SEQ } from './queue-counters';
import type { QueueEraser } from './queue-eraser';

export class SqliteQueueStore implements QueueStore {
  private readonly insert: Database.Statement;
  private readonly selectMetadata: Database.Statement;
  private readonly updateMetadata: Database.Statement;
  private readonly raiseSeqFloor: Database.Statement;
  private readonly deleteQueue: Database.Statement;
  private readonly deleteMessages: Database.Statement;
  private readonly deleteClaims: Database.Statement;
  private readonly deleteSubscriptions: Database.Statement;
  private readonly listNames: Database.Statement;
  private readonly listDetailed: Database.Statement;
  private readonly countQueues: Database.Statement;
  private readonly messageCount: Database.Statement;
  private readonly expiredCount: Database.Statement;
  private readonly claimedCount: Database.Statement;
  private readonly oldest: Database.Statement;
  private readonly newest: Database.Statement;

  /** One read transaction, so the counts and the oldest and newest agree with each other. */
  private readonly inReadTransaction: (ref: QueueRef, now: number) => QueueStats;

  constructor(
    db: Database.Database,
    private readonly writes: GroupCommit,
    private readonly eraser: QueueEraser,
  ) {
    this.insert = db.prepare(
      `INSERT INTO queues (project, name, metadata, created, last_seq)
       VALUES (@project, @queue, @metadata, @now, ${FIRST_SEQ})
       ON CONFLICT (project, name) DO NOTHING`,
    );
    this.selectMetadata = db.prepare('SELECT metadata FROM queues WHERE project = ? AND name = ?').pluck();
    this.updateMetadata = db.prepare('UPDATE queues SET metadata = ? WHERE project = ? AND name = ?');
    this.raiseSeqFloor = db.prepare(
      `UPDATE seq_floor SET value = max(value, coalesce(
         (SELECT last_seq FROM queues WHERE project = ? AND name = ?), 0))`,
    );
    this.deleteQueue = db.prepare('DELETE FROM queues WHERE project = ? AND name = ?');
    this.deleteMessages = db.prepare('DELETE FROM messages WHERE project = ? AND queue = ?');
    this.deleteClaims = db.prepare('DELETE FROM claims WHERE project = ? AND queue = ?');
    this.deleteSubscriptions = db.prepare('DELETE FROM subscriptions WHERE project = ? AND queue = ?');
    this.listNames = db.prepare(
      `SELECT name FROM queues WHERE project = ? AND name > ? ORDER BY name LIMIT ${boundLimit()}`,
    );
    this.listDetailed = db.prepare(
      `SELECT name, metadata FROM queues WHERE project = ? AND name > ? ORDER BY name LIMIT ${boundLimit()}`,
    );
    this.countQueues = db.prepare('SELECT count(*) FROM queues WHERE project = ?').pluck();
    // Stats never count the whole queue (Zaqar's slow path): the row count is kept with the writes,
    // and the two corrections below walk only expired-but-unswept and claimed entries, in indexes.
    this.messageCount = db.prepare('SELECT msg_count FROM queues WHERE project = ? AND name = ?').pluck();
    this.expiredCount = db
      .prepare(
        'SELECT count(*) FROM messages INDEXED BY messages_queue_expires WHERE project = ? AND queue = ? AND expires <= ?',
      )
      .pluck();
    this.claimedCount = db
      .prepare(
        `SELECT count(*) FROM messages INDEXED BY messages_claimed
          WHERE project = @project AND queue = @queue AND claim_expires > @now AND expires > @now`,
      )
      .pluck();
    this.oldest = db.prepare(
      `SELECT ${MESSAGE_COLUMNS} FROM messages INDEXED BY messages_queue_seq
        WHERE project = ? AND queue = ? AND expires > ? ORDER BY seq ASC LIMIT 1`,
    );
    this.newest = db.prepare(
      `SELECT ${MESSAGE_COLUMNS} FROM messages INDEXED BY messages_queue_seq
        WHERE project = ? AND queue = ? AND expires > ? ORDER BY seq DESC LIMIT 1`,
    );
    this.inReadTransaction = db.transaction((ref: QueueRef, now: number) => this.readStats(ref, now));
  }

  create(ref: QueueRef, metadata: Metadata, now: number): Promise<boolean> {
    const text = JSON.stringify(metadata);
    return this.writes.submit(
      () => this.insert.run({ project: ref.project, queue: ref.queue, metadata: text, now }).changes === 1,
    );
  }

  async getMetadata(ref: QueueRef): Promise<Metadata | null> {
    const text = this.selectMetadata.get(ref.project, ref.queue) as string | undefined;
    return text === undefined ? null : (JSON.parse(text) as Metadata);
  }

  setMetadata(ref: QueueRef, metadata: Metadata): Promise<boolean> {
    const text = JSON.stringify(metadata);
    return this.writes.submit(() => this.updateMetadata.run(text, ref.project, ref.queue).changes === 1);
  }

  /**
   * The queue's messages go a step at a time (see QueueEraser), and the queue stays until the last
   * step: a post that lands meanwhile goes into the queue being deleted and is deleted with it.
   */
  delete(ref: QueueRef): Promise<void> {
    return this.eraser.erase(ref, {
      last: () => {
        this.deleteMessages.run(ref.project, ref.queue);
        this.deleteClaims.run(ref.project, ref.queue);
        this.deleteSubscriptions.run(ref.project, ref.queue);
        this.raiseSeqFloor.run(ref.project, ref.queue);
        this.deleteQueue.run(ref.project, ref.queue);
      },
    });
  }

  async list(project: string, options: QueueListOptions): Promise<QueueListing[]> {
    const after = options.marker ?? '';
    if (!options.detailed) {
      return (this.listNames.all(project, after, options.limit) as { name: string }[]).map((row) => ({
        name: row.name,
      }));
    }
    const rows = this.listDetailed.all(project, after, options.limit) as { name: string; metadata: string }[];
    return rows.map((row) => ({ name: row.name, metadata: JSON.parse(row.metadata) as Metadata }));
  }

  async count(project: string): Promise<number> {
    return this.countQueues.get(project) as number;
  }

  async stats(ref: QueueRef, now: number): Promise<QueueStats> {
    return this.inReadTransaction(ref, now);
  }

  private readStats(ref: QueueRef, now: number): QueueStats {
    const rows = this.messageCount.get(ref.project, ref.queue) as number | undefined;
    if (!rows) return { claimed: 0, free: 0, total: 0 };
    const total = rows - (this.expiredCount.get(ref.project, ref.queue, now) as number);
    const claimed = this.claimedCount.get({ project: ref.project, queue: ref.queue, now }) as number;
    const stats: QueueStats = { claimed, free: total - claimed, total };
    if (total > 0) {
      const oldest = this.oldest.get(ref.project, ref.queue, now) as MessageRow | undefined;
      const newest = this.newest.get(ref.project, ref.queue, now) as MessageRow | undefined;
      if (oldest) stats.oldest = toMessageRecord(oldest, now);
      if (newest) stats.newest = toMessageRecord(newest, now);
    }
    return stats;
  }
}
