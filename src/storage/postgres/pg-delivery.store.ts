import type { Pool } from 'pg';
import type {
  Delivery,
  DeliveryKind,
  DeliveryStore,
  DueDelivery,
  FailedDelivery,
  FailedListOptions,
  Metadata,
  NewConfirmation,
  QueueRef,
} from '../storage.contract';
import { isUuid } from './pg-values';

interface DeliveryRow {
  id: string;
  project: string;
  queue: string;
  subscription_id: string;
  kind: DeliveryKind;
  ttl: number;
  body: unknown;
  posted: string;
  attempts: number;
}

interface DueRow extends DeliveryRow {
  subscriber: string | null;
  options: Metadata | null;
  secret: string | null;
  metadata: Metadata | null;
}

interface FailedRow extends DeliveryRow {
  failed: string;
  error: string;
}

const COLUMNS = 'id, project, queue, subscription_id, kind, ttl, body, posted, attempts';

/** Leases due rows nobody holds, skipping those another process is leasing at the same moment. */
const LEASE_SQL = `
WITH picked AS (
  SELECT id FROM deliveries WHERE due <= $1 AND leased_until <= $1
  ORDER BY due, id LIMIT $2 FOR UPDATE SKIP LOCKED
), leased AS (
  UPDATE deliveries d SET leased_until = $1 + $3 FROM picked WHERE d.id = picked.id
  RETURNING d.id, d.project, d.queue, d.subscription_id, d.kind, d.ttl, d.body, d.posted, d.attempts, d.due
)
SELECT l.id, l.project, l.queue, l.subscription_id, l.kind, l.ttl, l.body, l.posted, l.attempts,
       s.subscriber, s.options, s.secret, q.metadata
FROM leased l
LEFT JOIN subscriptions s
  ON s.project = l.project AND s.queue = l.queue AND s.id = l.subscription_id AND s.expires > $1
LEFT JOIN queues q ON q.project = l.project AND q.name = l.queue
ORDER BY l.due, l.id`;

const FAIL_SQL = `
WITH gone AS (DELETE FROM deliveries WHERE id = $1)
INSERT INTO failed_deliveries (${COLUMNS}, failed, error)
VALUES ($1, $2, $3, $4, $5, $6, $7::json, $8, $9, $10, $11)
ON CONFLICT (id) DO UPDATE SET attempts = EXCLUDED.attempts, failed = EXCLUDED.failed, error = EXCLUDED.error`;

const REDRIVE_SQL = `
WITH moved AS (
  DELETE FROM failed_deliveries WHERE project = $1 AND queue = $2 AND subscription_id = $3
  RETURNING ${COLUMNS}
)
INSERT INTO deliveries (project, queue, subscription_id, kind, ttl, body, posted, due)
SELECT project, queue, subscription_id, kind, ttl, body, posted, $4 FROM moved ORDER BY id`;

function toDelivery(row: DeliveryRow): Delivery {
  return {
    id: String(row.id),
    ref: { project: row.project, queue: row.queue },
    subscriptionId: row.subscription_id,
    kind: row.kind,
    message: { ttl: row.ttl, body: row.body },
    attempts: row.attempts,
    posted: Number(row.posted),
  };
}

export class PgDeliveryStore implements DeliveryStore {
  constructor(private readonly pool: Pool) {}

  async lease(limit: number, now: number, leaseMs: number): Promise<DueDelivery[]> {
    const { rows } = await this.pool.query<DueRow>(LEASE_SQL, [now, limit, leaseMs]);
    const ended = rows.filter((row) => row.subscriber === null).map((row) => row.id);
    // The subscription ended: nobody is left to tell.
    if (ended.length) await this.complete(ended);
    return rows
      .filter((row) => row.subscriber !== null)
      .map((row) => ({
        ...toDelivery(row),
        subscriber: row.subscriber!,
        options: row.options!,
        secret: row.secret!,
        queueMetadata: row.metadata ?? {},
      }));
  }

  async enqueueConfirmation(confirmation: NewConfirmation, now: number): Promise<void> {
    const { ref, subscriptionId, body } = confirmation;
    await this.pool.query(
      `INSERT INTO deliveries (project, queue, subscription_id, kind, ttl, body, posted, due)
       VALUES ($1, $2, $3, 'confirmation', 0, $4::json, $5, $5)`,
      [ref.project, ref.queue, subscriptionId, JSON.stringify(body), now],
    );
  }

  async complete(ids: string[]): Promise<void> {
    if (ids.length) await this.pool.query('DELETE FROM deliveries WHERE id = ANY($1::bigint[])', [ids]);
  }

  async retry(id: string, attempts: number, nextAttempt: number, error: string): Promise<void> {
    await this.pool.query('UPDATE deliveries SET attempts = $2, due = $3, leased_until = 0, error = $4 WHERE id = $1', [
      id,
      attempts,
      nextAttempt,
      error,
    ]);
  }

  async fail(delivery: Delivery, error: string, now: number): Promise<void> {
    await this.pool.query(FAIL_SQL, [
      delivery.id,
      delivery.ref.project,
      delivery.ref.queue,
      delivery.subscriptionId,
      delivery.kind,
      delivery.message.ttl,
      JSON.stringify(delivery.message.body) ?? 'null',
      delivery.posted,
      delivery.attempts,
      now,
      error,
    ]);
  }

  async listFailed(ref: QueueRef, subscriptionId: string, options: FailedListOptions): Promise<FailedDelivery[]> {
    if (!isUuid(subscriptionId)) return [];
    const after = /^\d{1,18}$/.test(options.marker ?? '') ? options.marker : '0';
    const { rows } = await this.pool.query<FailedRow>(
      `SELECT ${COLUMNS}, failed, error FROM failed_deliveries
        WHERE project = $1 AND queue = $2 AND subscription_id = $3 AND id > $4 ORDER BY id LIMIT $5`,
      [ref.project, ref.queue, subscriptionId, after, options.limit],
    );
    return rows.map((row) => ({ ...toDelivery(row), failed: Number(row.failed), error: row.error }));
  }

  async redrive(ref: QueueRef, subscriptionId: string, now: number): Promise<number> {
    if (!isUuid(subscriptionId)) return 0;
    const result = await this.pool.query(REDRIVE_SQL, [ref.project, ref.queue, subscriptionId, now]);
    return result.rowCount ?? 0;
  }

  async failedCount(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM failed_deliveries');
    return Number(rows[0].n);
  }
}
