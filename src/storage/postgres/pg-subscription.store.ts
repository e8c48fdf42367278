import type { Pool } from 'pg';
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
import { FIRST_SEQ, isUuid } from './pg-values';

const COLUMNS = 's.id, s.queue, s.subscriber, s.ttl, s.created, s.expires, s.options, s.confirmed';

interface SubscriptionRow {
  id: string;
  queue: string;
  subscriber: string;
  ttl: string;
  created: string;
  expires: string;
  options: SubscriptionRecord['options'];
  confirmed: boolean;
}

function toRecord(row: SubscriptionRow): SubscriptionRecord {
  return { ...row, ttl: Number(row.ttl), created: Number(row.created), expires: Number(row.expires) };
}

/**
 * Creates the queue if missing and the subscription unless its subscriber has a live one on the
 * queue; an expired row for the subscriber is taken over. Returns no row when a live one exists.
 */
const CREATE_SQL = `
WITH q AS (
  INSERT INTO queues (project, name, metadata, created, last_seq) VALUES ($1, $2, '{}', $6::bigint, ${FIRST_SEQ})
  ON CONFLICT (project, name) DO NOTHING
)
INSERT INTO subscriptions AS s (project, queue, id, subscriber, ttl, created, expires, options, confirmed, secret)
VALUES ($1, $2, $3, $4, $5::bigint, $6::bigint, $6::bigint + $5::bigint * 1000, $7::json, false, $8)
ON CONFLICT (project, queue, subscriber) DO UPDATE
  SET id = EXCLUDED.id, ttl = EXCLUDED.ttl, created = EXCLUDED.created, expires = EXCLUDED.expires,
      options = EXCLUDED.options, confirmed = false, secret = EXCLUDED.secret
  WHERE s.expires <= $6::bigint
RETURNING ${COLUMNS}`;

const BY_SUBSCRIBER_SQL = `
SELECT ${COLUMNS} FROM subscriptions s WHERE s.project = $1 AND s.queue = $2 AND s.subscriber = $3 AND s.expires > $4`;

const LIST_SQL = `
SELECT ${COLUMNS} FROM subscriptions s
WHERE s.project = $1 AND s.queue = $2 AND s.id::text > $3 AND s.expires > $4
ORDER BY s.id LIMIT $5`;

const GET_SQL = `
SELECT ${COLUMNS} FROM subscriptions s WHERE s.project = $1 AND s.queue = $2 AND s.id = $3 AND s.expires > $4`;

/** Sets what the update names ($5 subscriber, $6 ttl, $7 options; null keeps the field). */
const UPDATE_SQL = `
UPDATE subscriptions s
SET subscriber = coalesce($5::text, s.subscriber), ttl = coalesce($6::bigint, s.ttl),
    expires = CASE WHEN $6::bigint IS NULL THEN s.expires ELSE $4::bigint + $6::bigint * 1000 END,
    options = coalesce($7::json, s.options)
WHERE s.project = $1 AND s.queue = $2 AND s.id = $3 AND s.expires > $4`;

const UNIQUE_VIOLATION = '23505';

/** Subscriptions are a cold path: one parameterised statement per call, no batching. */
export class PgSubscriptionStore implements SubscriptionStore {
  constructor(private readonly pool: Pool) {}

  async create(ref: QueueRef, subscription: NewSubscription, now: number): Promise<SubscriptionCreated> {
    const { project, queue } = ref;
    const created = await this.pool.query<SubscriptionRow>(CREATE_SQL, [
      project,
      queue,
      newTimeOrderedId(),
      subscription.subscriber,
      subscription.ttl,
      now,
      JSON.stringify(subscription.options),
      subscription.secret,
    ]);
    if (created.rows.length) return { created: true, subscription: toRecord(created.rows[0]) };
    const existing = await this.pool.query<SubscriptionRow>(BY_SUBSCRIBER_SQL, [
      project,
      queue,
      subscription.subscriber,
      now,
    ]);
    // It expired between the two statements: try again.
    if (!existing.rows.length) return this.create(ref, subscription, now);
    return { created: false, subscription: toRecord(existing.rows[0]) };
  }

  async list(ref: QueueRef, options: SubscriptionListOptions, now: number): Promise<SubscriptionRecord[]> {
    const { rows } = await this.pool.query<SubscriptionRow>(LIST_SQL, [
      ref.project,
      ref.queue,
      options.marker ?? '',
      now,
      options.limit,
    ]);
    return rows.map(toRecord);
  }

  async get(ref: QueueRef, id: string, now: number): Promise<SubscriptionRecord | null> {
    if (!isUuid(id)) return null;
    const { rows } = await this.pool.query<SubscriptionRow>(GET_SQL, [ref.project, ref.queue, id, now]);
    return rows.length ? toRecord(rows[0]) : null;
  }

  async update(ref: QueueRef, id: string, changes: SubscriptionChanges, now: number): Promise<SubscriptionUpdate> {
    if (!isUuid(id)) return 'missing';
    if (changes.subscriber !== undefined) {
      // An expired subscription of the new subscriber is invisible already; it must not hold its name.
      await this.pool.query(
        'DELETE FROM subscriptions WHERE project = $1 AND queue = $2 AND subscriber = $3 AND expires <= $4',
        [ref.project, ref.queue, changes.subscriber, now],
      );
    }
    try {
      const result = await this.pool.query(UPDATE_SQL, [
        ref.project,
        ref.queue,
        id,
        now,
        changes.subscriber ?? null,
        changes.ttl ?? null,
        changes.options === undefined ? null : JSON.stringify(changes.options),
      ]);
      return result.rowCount ? 'updated' : 'missing';
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) return 'conflict';
      throw error;
    }
  }

  async confirm(ref: QueueRef, id: string, confirmed: boolean, now: number): Promise<boolean> {
    if (!isUuid(id)) return false;
    const result = await this.pool.query(
      'UPDATE subscriptions SET confirmed = $5 WHERE project = $1 AND queue = $2 AND id = $3 AND expires > $4',
      [ref.project, ref.queue, id, now, confirmed],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async delete(ref: QueueRef, id: string): Promise<void> {
    if (!isUuid(id)) return;
    await this.pool.query('DELETE FROM subscriptions WHERE project = $1 AND queue = $2 AND id = $3', [
      ref.project,
      ref.queue,
      id,
    ]);
  }

  async purge(ref: QueueRef): Promise<void> {
    await this.pool.query('DELETE FROM subscriptions WHERE project = $1 AND queue = $2', [ref.project, ref.queue]);
  }
}
