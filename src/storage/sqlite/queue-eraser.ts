import type Database from 'better-sqlite3';
import type { QueueRef } from '../storage.contract';
import { boundLimit } from './bound-limit';
import type { GroupCommit } from './group-commit';
import type { QueueCounters } from './queue-counters';

/**
 * Rows one transaction deletes when a delete can be large (a queue's messages, an expiry wave).
 * SQLite has one writer: while a transaction runs, every other write of the server waits for it.
 */
export const ROWS_PER_STEP = 2000;

/** What runs inside the transactions of an erase, around the message deletes. */
export interface EraseHooks {
  /** In the first transaction, before any message is deleted. */
  first?: () => void;
  /** In the last transaction, after the last of the messages the queue held at the start is gone. */
  last?: () => void;
}

/**
 * Empties a queue ROWS_PER_STEP messages at a time, each step its own commit group, so that other
 * writes are served in between. One DELETE of a whole queue held the writer for as long as it took:
 * while a queue of 300,000 messages was deleted, a post to another queue waited 340–600 ms (now
 * 16–31), and the one transaction grew the WAL by 100 MB (500 MB for a million messages).
 *
 * It removes the messages the queue held when the erase began (seq up to the queue's last_seq
 * then), counting each step's rows out of the queue's counter, so the counter stays exact whoever
 * removes a row, the sweep included. Messages posted while it runs are newer than the erase and
 * are left alone; `last` may remove them too.
 */
export class QueueEraser {
  private readonly lastSeq: Database.Statement;
  private readonly deleteStep: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly writes: GroupCommit,
    private readonly counters: QueueCounters,
  ) {
    this.lastSeq = db.prepare('SELECT last_seq FROM queues WHERE project = ? AND name = ?').pluck();
    this.deleteStep = db.prepare(
      `DELETE FROM messages WHERE rowid IN (
         SELECT rowid FROM messages INDEXED BY messages_queue_seq
          WHERE project = ? AND queue = ? AND seq <= ? LIMIT ${boundLimit()})`,
    );
  }

  async erase(ref: QueueRef, hooks: EraseHooks = {}): Promise<void> {
    let through: number | undefined;
    for (;;) {
      // A step may run twice if its commit group fails and rolls back (see GroupCommit), so it
      // changes nothing outside the database; what it learned counts once it has committed.
      const step = await this.writes.submit(() => {
        let end = through;
        if (end === undefined) {
          hooks.first?.();
          end = (this.lastSeq.get(ref.project, ref.queue) as number | undefined) ?? 0;
        }
        const removed = this.deleteStep.run(ref.project, ref.queue, end, ROWS_PER_STEP).changes;
        this.counters.remove(ref, removed);
        const done = removed < ROWS_PER_STEP;
        if (done) hooks.last?.();
        return { through: end, done };
      });
      if (step.done) return;
      through = step.through;
    }
  }
}
