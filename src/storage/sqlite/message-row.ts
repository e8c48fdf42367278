import type { MessageRecord } from '../storage.contract';

/** The message columns, with `ttl` as the given expression (a claim returns the ttl it gives). */
export function messageColumns(ttl = 'ttl'): string {
  return `seq, id, body, ${ttl} AS ttl, created, claim_id, claim_expires, claim_count`;
}

/** The columns every message read selects, and the row they make. */
export const MESSAGE_COLUMNS = messageColumns();

export interface MessageRow {
  seq: number;
  id: string;
  body: string;
  ttl: number;
  created: number;
  claim_id: string | null;
  claim_expires: number | null;
  claim_count: number;
}

export function toMessageRecord(row: MessageRow, now: number): MessageRecord {
  return {
    id: row.id,
    body: JSON.parse(row.body) as unknown,
    ttl: row.ttl,
    created: row.created,
    // An expired claim is no claim: nothing rewrites the row when it lapses.
    claimId: row.claim_id !== null && (row.claim_expires ?? 0) > now ? row.claim_id : null,
    claimCount: row.claim_count,
  };
}

/** Records in queue order; RETURNING gives rows in no promised order. */
export function toRecordsBySeq(rows: MessageRow[], now: number): MessageRecord[] {
  rows.sort((a, b) => a.seq - b.seq);
  return rows.map((row) => toMessageRecord(row, now));
}

/**
 * A message marker is the decimal seq of the last message of the previous page. Anything else is
 * treated as no marker (the first page), as Zaqar does with a marker it cannot parse.
 */
export function parseMessageMarker(marker: string | undefined): number {
  if (marker === undefined || !/^\d{1,15}$/.test(marker)) return 0;
  return Number(marker);
}
