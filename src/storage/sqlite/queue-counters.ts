import type Database from 'better-sqlite3';
import type { QueueRef } from '../storage.contract';

/**
 * The per-queue counters kept with the writes: `last_seq` (the end of the queue) and `msg_count`
 * (message rows in the queue), so that stats need not count the queue. Every statement that adds
 * or removes message rows goes through here, inside its writing transaction.
 */
export interface QueueCounters {
  /**
   * Reserves `count` consecutive seqs at the end of the queue and counts the messages in, creating
   * the queue if missing (metadata {}, as Zaqar's implicit creation on post); returns the last seq.
   */
  append(ref: QueueRef, count: number, now: number): number;
  /** Counts `count` removed message rows out. */
  remove(ref: QueueRef, count: number): void;
}

/**
 * Where a new queue's counter starts: above every seq any deleted queue gave (see schema version
 * 2), so a queue created again under an old name numbers its messages above its earlier life's.
 */
export const FIRST_SEQ = '(SELECT value FROM seq_floor)';

export function prepareQueueCounters(db: Database.Database): QueueCounters {
  // One UPSERT both creates and bumps. It runs inside the writing transaction: SQLite's single
  // writer then makes seq order commit order, so a reader paging by marker never misses a message
  // committed later with a smaller seq.
  const upsert = db
    .prepare(
      `INSERT INTO queues (project, name, metadata, created, last_seq, msg_count)
       VALUES (@project, @queue, '{}', @now, ${FIRST_SEQ} + @count, @count)
       ON CONFLICT (project, name) DO UPDATE SET last_seq = last_seq + @count, msg_count = msg_count + @count
       RETURNING last_seq`,
    )
    .pluck();
  const decrement = db.prepare('UPDATE queues SET msg_count = msg_count - ? WHERE project = ? AND name = ?');
  return {
    // RETURNING through .get() leaves the statement open and the WAL grows without bound: use .all().
    append: (ref, count, now) => (upsert.all({ project: ref.project, queue: ref.queue, now, count }) as number[])[0],
    remove: (ref, count) => {
      if (count > 0) decrement.run(count, ref.project, ref.queue);
    },
  };
}
