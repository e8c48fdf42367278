import type { MessageRecord, QueueRef } from '../storage.contract';

/**
 * Small pure helpers shared by the PostgreSQL stores: input checks that keep malformed values away
 * from typed SQL parameters, and the row → record mapping.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_BIGINT = 9223372036854775807n;

/**
 * True for the canonical 8-4-4-4-12 form in lower case, the form this server issues ids in; anything
 * else is "not found", never a SQL error. Lower case only because ids compare as strings, as on the
 * SQLite store and the reference (an upper-cased id finds nothing there), while PostgreSQL's uuid
 * type would ignore case.
 */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** The valid uuids among `values`, without repeats, in their first order. */
export function validUuids(values: readonly unknown[]): string[] {
  const seen = new Set<string>();
  for (const value of values) if (isUuid(value)) seen.add(value);
  return [...seen];
}

/** A pg error whose cause is the data (SQLSTATE class 22 or 23), not the connection or server. */
export function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

/** The key of a queue in per-queue maps and batches. */
export function queueKey(ref: QueueRef): string {
  return JSON.stringify([ref.project, ref.queue]);
}

/** A message marker is the decimal sequence of the last message seen; anything else means "from the start". */
export function parseSeqMarker(marker: string | undefined | null): string {
  if (typeof marker !== 'string' || !/^\d{1,19}$/.test(marker)) return '0';
  return BigInt(marker) > MAX_BIGINT ? '0' : marker;
}

/** A message row as the queries below select it (`MESSAGE_COLUMNS`). */
export interface MessageRow {
  id: string;
  body: unknown;
  ttl: number;
  created: string;
  claim_id: string | null;
  claim_count: number;
  seq: string;
}

/** Queries that also report the queue's head (see pg-queue-heads) add this column. */
export interface HeadRow {
  head: string | null;
}

/**
 * The select list every message query uses. `$now` is the parameter holding the caller's clock:
 * a claim that has expired reads as no claim.
 */
export function messageColumns(now: string, alias = 'm'): string {
  const a = alias;
  return (
    `${a}.id, ${a}.body, ${a}.ttl, ${a}.created, ` +
    `CASE WHEN ${a}.claim_expires > ${now} THEN ${a}.claim_id END AS claim_id, ${a}.claim_count, ${a}.seq`
  );
}

export function toMessageRecord(row: MessageRow): MessageRecord {
  return {
    id: row.id,
    body: row.body,
    ttl: row.ttl,
    created: Number(row.created),
    claimId: row.claim_id,
    claimCount: row.claim_count,
  };
}

/** Rows in queue order (RETURNING gives no order) mapped to records. */
export function toRecordsInQueueOrder(rows: MessageRow[]): MessageRecord[] {
  return [...rows].sort(compareSeq).map(toMessageRecord);
}

export function compareSeq(a: { seq: string }, b: { seq: string }): number {
  const x = BigInt(a.seq);
  const y = BigInt(b.seq);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Message bodies are stored as `json` text; `undefined` (no body) is stored as null. */
export function bodyToJson(body: unknown): string {
  return JSON.stringify(body) ?? 'null';
}

/**
 * Where a new queue row's counter (`last_seq`) starts: the database's clock in µs. Deleting a queue
 * deletes its row, so a queue created again under the same name starts a new counter, and that
 * must start above every seq of the queue's earlier life, for old markers and the heads servers
 * know (see pg-queue-heads) to stay true. An earlier life took fewer seqs than the µs it lasted,
 * unless it averaged more than a million messages a second. The database's clock, not a server's:
 * servers on several hosts then agree.
 */
export const FIRST_SEQ = '(extract(epoch FROM clock_timestamp()) * 1000000)::bigint';

/**
 * An integer as SQL text, for the few statements that carry their values inline so that they are
 * planned for those values (see pg-queue.store stats). Refuses anything but an integer.
 */
export function sqlInteger(value: number | string): string {
  const text = typeof value === 'number' ? (Number.isSafeInteger(value) ? String(value) : '') : value;
  if (!/^-?\d{1,19}$/.test(text)) throw new RangeError(`not an integer: ${String(value)}`);
  return text;
}
