import type Database from 'better-sqlite3';
import type {
  NewSubscription,
  QueueRef,
  SubscriptionChanges,
  SubscriptionCreated,
  SubscriptionListOptions,
  SubscriptionRecord,
  SubscriptionStore,
  SubscriptionUpdate,
} from '../storage.contract';
import { newTimeOrderedId } from '../time-ordered-id';
import { boundLimit } from './bound-limit';
import type { GroupCommit } from './group-commit';
import { FIRST_SEQ } from './queue-counters';

const COLUMNS = 'id, queue, subscriber, ttl, created, expires, options, confirmed';

interface SubscriptionRow {
  id: string;
  queue: string;
  subscriber: string;
  ttl: number;
  created: number;
  expires: number;
  options: string;
  confirmed: number;
}

function toRecord(row: SubscriptionRow): SubscriptionRecord {
  return {
    id: row.id,
    queue: row.queue,
    subscriber: row.subscriber,
    ttl: row.ttl,
    created: row.created,
    expires: row.expires,
    options: JSON.parse(row.options) as SubscriptionRecord['options'],
    confirmed: row.confirmed === 1,
  };
}

/** Subscriptions are a cold path: plain statements, writes in the driver's commit groups. */
export class SqliteSubscriptionStore implements SubscriptionStore {
  private readonly createQueue: Database.Statement;
  private readonly bySubscriber: Database.Statement;
  private readonly dropExpired: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly listPage: Database.Statement;
  private readonly getOne: Database.Statement;
  private readonly setFields: Database.Statement;
  private readonly setConfirmed: Database.Statement;
  private readonly deleteOne: Database.Statement;
  private readonly deleteAll: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly writes: GroupCommit,
  ) {
    this.createQueue = db.prepare(
      `INSERT INTO queues (project, name, metadata, created, last_seq) VALUES (?, ?, '{}', ?, ${FIRST_SEQ})
       ON CONFLICT (project, name) DO NOTHING`,
    );
    this.bySubscriber = db.prepare(
      `SELECT ${COLUMNS} FROM subscriptions WHERE project = ? AND queue = ? AND subscriber = ? AND expires > ?`,
    );
    this.dropExpired = db.prepare(
      'DELETE FROM subscriptions WHERE project = ? AND queue = ? AND subscriber = ? AND expires <= ?',
    );
    this.insert = db.prepare(
      `INSERT INTO subscriptions (project, queue, id, subscriber, ttl, created, expires, options, confirmed, secret)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
    );
    this.listPage = db.prepare(
      `SELECT ${COLUMNS} FROM subscriptions
        WHERE project = ? AND queue = ? AND id > ? AND expires > ? ORDER BY id LIMIT ${boundLimit()}`,
    );
    this.getOne = db.prepare(
      `SELECT ${COLUMNS} FROM subscriptions WHERE project = ? AND queue = ? AND id = ? AND expires > ?`,
    );
    this.setFields = db.prepare(
      `UPDATE subscriptions SET subscriber = @subscriber, ttl = @ttl, expires = @expires, options = @options
        WHERE project = @project AND queue = @queue AND id = @id`,
    );
    this.setConfirmed = db.prepare(
      'UPDATE subscriptions SET confirmed = ? WHERE project = ? AND queue = ? AND id = ? AND expires > ?',
    );
    this.deleteOne = db.prepare('DELETE FROM subscriptions WHERE project = ? AND queue = ? AND id = ?');
    this.deleteAll = db.prepare('DELETE FROM subscriptions WHERE project = ? AND queue = ?');
  }

  create(ref: QueueRef, subscription: NewSubscription, now: number): Promise<SubscriptionCreated> {
    const id = newTimeOrderedId();
    const options = JSON.stringify(subscription.options);
    return this.writes.submit((): SubscriptionCreated => {
      const { project, queue } = ref;
      const existing = this.bySubscriber.get(project, queue, subscription.subscriber, now) as
        SubscriptionRow | undefined;
      if (existing) return { created: false, subscription: toRecord(existing) };
      this.dropExpired.run(project, queue, subscription.subscriber, now);
      this.createQueue.run(project, queue, now);
      const expires = now + subscription.ttl * 1000;
      this.insert.run(
        project,
        queue,
        id,
        subscription.subscriber,
        subscription.ttl,
        now,
        expires,
        options,
        subscription.secret,
      );
      return {
        created: true,
        subscription: {
          id,
          queue,
          subscriber: subscription.subscriber,
          ttl: subscription.ttl,
          created: now,
          expires,
          options: subscription.options,
          confirmed: false,
        },
      };
    });
  }

  async list(ref: QueueRef, options: SubscriptionListOptions, now: number): Promise<SubscriptionRecord[]> {
    const rows = this.listPage.all(
      ref.project,
      ref.queue,
      options.marker ?? '',
      now,
      options.limit,
    ) as SubscriptionRow[];
    return rows.map(toRecord);
  }

  async get(ref: QueueRef, id: string, now: number): Promise<SubscriptionRecord | null> {
    const row = this.getOne.get(ref.project, ref.queue, id, now) as SubscriptionRow | undefined;
    return row ? toRecord(row) : null;
  }

  update(ref: QueueRef, id: string, changes: SubscriptionChanges, now: number): Promise<SubscriptionUpdate> {
    return this.writes.submit((): SubscriptionUpdate => {
      const row = this.getOne.get(ref.project, ref.queue, id, now) as SubscriptionRow | undefined;
      if (!row) return 'missing';
      const subscriber = changes.subscriber ?? row.subscriber;
      if (subscriber !== row.subscriber) {
        if (this.bySubscriber.get(ref.project, ref.queue, subscriber, now)) return 'conflict';
        this.dropExpired.run(ref.project, ref.queue, subscriber, now);
      }
      const ttl = changes.ttl ?? row.ttl;
      this.setFields.run({
        project: ref.project,
        queue: ref.queue,
        id,
        subscriber,
        ttl,
        expires: changes.ttl === undefined ? row.expires : now + ttl * 1000,
        options: changes.options === undefined ? row.options : JSON.stringify(changes.options),
      });
      return 'updated';
    });
  }

  confirm(ref: QueueRef, id: string, confirmed: boolean, now: number): Promise<boolean> {
    return this.writes.submit(
      () => this.setConfirmed.run(confirmed ? 1 : 0, ref.project, ref.queue, id, now).changes > 0,
    );
  }

  async delete(ref: QueueRef, id: string): Promise<void> {
    await this.writes.submit(() => this.deleteOne.run(ref.project, ref.queue, id));
  }

  async purge(ref: QueueRef): Promise<void> {
    await this.writes.submit(() => this.deleteAll.run(ref.project, ref.queue));
  }
}
