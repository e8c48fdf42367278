import type Database from 'better-sqlite3';
import type {
  Delivery,
  DeliveryKind,
  DeliveryStore,
  DueDelivery,
  FailedDelivery,
  FailedListOptions,
  Metadata,
  NewConfirmation,
  Notify,
  QueueRef,
} from '../storage.contract';
import { boundLimit } from './bound-limit';
import type { GroupCommit } from './group-commit';

interface DeliveryRow {
  id: number;
  project: string;
  queue: string;
  subscription_id: string;
  kind: DeliveryKind;
  ttl: number;
  body: string;
  posted: number;
  attempts: number;
}

interface DueRow extends DeliveryRow {
  subscriber: string | null;
  options: string | null;
  secret: string | null;
  metadata: string | null;
}

interface FailedRow extends DeliveryRow {
  failed: number;
  error: string;
}

const DELIVERY_COLUMNS = 'd.id, d.project, d.queue, d.subscription_id, d.kind, d.ttl, d.body, d.posted, d.attempts';

function toDelivery(row: DeliveryRow): Delivery {
  return {
    id: String(row.id),
    ref: { project: row.project, queue: row.queue },
    subscriptionId: row.subscription_id,
    kind: row.kind,
    message: { ttl: row.ttl, body: JSON.parse(row.body) },
    attempts: row.attempts,
    posted: row.posted,
  };
}

/**
 * Writes a post's deliveries inside the post's own transaction (see SqliteMessageStore.post): one
 * row per message (in order) and live subscription of the queue. A queue nobody subscribes to
 * costs one probe of the subscriptions key.
 */
export function prepareDeliveryOutbox(db: Database.Database) {
  const insert = db.prepare(
    `INSERT INTO deliveries (project, queue, subscription_id, ttl, body, posted, due)
     SELECT s.project, s.queue, s.id, m.value ->> 0, m.value ->> 1, @now, @now
       FROM subscriptions s, json_each(@messages) m
      WHERE s.project = @project AND s.queue = @queue AND s.expires > @now AND (@all OR s.confirmed = 1)
      ORDER BY m.key, s.id`,
  );
  return (ref: QueueRef, messages: string, notify: Notify, now: number): void => {
    insert.run({ project: ref.project, queue: ref.queue, messages, now, all: notify === 'subscribed' ? 1 : 0 });
  };
}

export class SqliteDeliveryStore implements DeliveryStore {
  private readonly due: Database.Statement;
  private readonly setLease: Database.Statement;
  private readonly insertConfirmation: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly reschedule: Database.Statement;
  private readonly insertFailed: Database.Statement;
  private readonly failedPage: Database.Statement;
  private readonly redriveRows: Database.Statement;
  private readonly dropFailed: Database.Statement;
  private readonly countFailed: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly writes: GroupCommit,
  ) {
    this.due = db.prepare(
      `SELECT ${DELIVERY_COLUMNS}, s.subscriber, s.options, s.secret, q.metadata
         FROM deliveries d INDEXED BY deliveries_due
         LEFT JOIN subscriptions s
           ON s.project = d.project AND s.queue = d.queue AND s.id = d.subscription_id AND s.expires > @now
         LEFT JOIN queues q ON q.project = d.project AND q.name = d.queue
        WHERE d.due <= @now AND d.leased_until <= @now
        ORDER BY d.due, d.id LIMIT ${boundLimit('@limit')}`,
    );
    this.setLease = db.prepare('UPDATE deliveries SET leased_until = ? WHERE id = ?');
    this.insertConfirmation = db.prepare(
      `INSERT INTO deliveries (project, queue, subscription_id, kind, ttl, body, posted, due)
       VALUES (@project, @queue, @subscriptionId, 'confirmation', 0, @body, @now, @now)`,
    );
    this.remove = db.prepare('DELETE FROM deliveries WHERE id = ?');
    this.reschedule = db.prepare(
      'UPDATE deliveries SET attempts = ?, due = ?, leased_until = 0, error = ? WHERE id = ?',
    );
    this.insertFailed = db.prepare(
      `INSERT OR REPLACE INTO failed_deliveries
         (id, project, queue, subscription_id, kind, ttl, body, posted, attempts, failed, error)
       VALUES (@id, @project, @queue, @subscriptionId, @kind, @ttl, @body, @posted, @attempts, @failed, @error)`,
    );
    this.failedPage = db.prepare(
      `SELECT ${DELIVERY_COLUMNS}, d.failed, d.error FROM failed_deliveries d
        WHERE d.project = ? AND d.queue = ? AND d.subscription_id = ? AND d.id > ?
        ORDER BY d.id LIMIT ${boundLimit()}`,
    );
    this.redriveRows = db.prepare(
      `INSERT INTO deliveries (project, queue, subscription_id, kind, ttl, body, posted, due)
       SELECT project, queue, subscription_id, kind, ttl, body, posted, @now FROM failed_deliveries
        WHERE project = @project AND queue = @queue AND subscription_id = @subscriptionId ORDER BY id`,
    );
    this.dropFailed = db.prepare(
      'DELETE FROM failed_deliveries WHERE project = ? AND queue = ? AND subscription_id = ?',
    );
    this.countFailed = db.prepare('SELECT count(*) FROM failed_deliveries').pluck();
  }

  lease(limit: number, now: number, leaseMs: number): Promise<DueDelivery[]> {
    return this.writes.submit(() => {
      const leased: DueDelivery[] = [];
      for (const row of this.due.all({ now, limit }) as DueRow[]) {
        // The subscription ended: nobody is left to tell.
        if (row.subscriber === null) {
          this.remove.run(row.id);
          continue;
        }
        this.setLease.run(now + leaseMs, row.id);
        leased.push({
          ...toDelivery(row),
          subscriber: row.subscriber,
          options: JSON.parse(row.options!) as Metadata,
          secret: row.secret!,
          queueMetadata: row.metadata === null ? {} : (JSON.parse(row.metadata) as Metadata),
        });
      }
      return leased;
    });
  }

  async enqueueConfirmation(confirmation: NewConfirmation, now: number): Promise<void> {
    const { ref, subscriptionId, body } = confirmation;
    await this.writes.submit(() =>
      this.insertConfirmation.run({
        project: ref.project,
        queue: ref.queue,
        subscriptionId,
        body: JSON.stringify(body),
        now,
      }),
    );
  }

  async complete(ids: string[]): Promise<void> {
    if (!ids.length) return;
    await this.writes.submit(() => {
      for (const id of ids) this.remove.run(Number(id));
    });
  }

  async retry(id: string, attempts: number, nextAttempt: number, error: string): Promise<void> {
    await this.writes.submit(() => this.reschedule.run(attempts, nextAttempt, error, Number(id)));
  }

  async fail(delivery: Delivery, error: string, now: number): Promise<void> {
    await this.writes.submit(() => {
      this.insertFailed.run({
        id: Number(delivery.id),
        project: delivery.ref.project,
        queue: delivery.ref.queue,
        subscriptionId: delivery.subscriptionId,
        kind: delivery.kind,
        ttl: delivery.message.ttl,
        body: JSON.stringify(delivery.message.body) ?? 'null',
        posted: delivery.posted,
        attempts: delivery.attempts,
        failed: now,
        error,
      });
      this.remove.run(Number(delivery.id));
    });
  }

  async listFailed(ref: QueueRef, subscriptionId: string, options: FailedListOptions): Promise<FailedDelivery[]> {
    const after = Number(options.marker ?? 0) || 0;
    const rows = this.failedPage.all(ref.project, ref.queue, subscriptionId, after, options.limit) as FailedRow[];
    return rows.map((row) => ({ ...toDelivery(row), failed: row.failed, error: row.error }));
  }

  redrive(ref: QueueRef, subscriptionId: string, now: number): Promise<number> {
    return this.writes.submit(() => {
      const moved = this.redriveRows.run({ project: ref.project, queue: ref.queue, subscriptionId, now }).changes;
      this.dropFailed.run(ref.project, ref.queue, subscriptionId);
      return moved;
    });
  }

  async failedCount(): Promise<number> {
    return this.countFailed.get() as number;
  }
}
