/**
 * Where each queue's messages start, as far as this process knows: a sequence number below every
 * message the queue has or will ever have. Hot scans (claim, pop, list, stats) begin there instead
 * of at the start of the queue's primary-key range.
 *
 * Why: a consumed message leaves a dead index entry at the head of its queue, and only VACUUM
 * removes it (autovacuum is off here). Scanning from the queue's start would step over every
 * message consumed since the last VACUUM on every claim, so claims would slow down as a benchmark
 * runs. Starting from the head keeps a claim's cost independent of history.
 *
 * Why a head is safe to keep: it is computed in one snapshot as min(existing seq) - 1, or the
 * queue's `last_seq` when it has no message. Messages not yet visible then belong to transactions
 * that took their seqs above that `last_seq`, and every later message (post or dead-letter move)
 * gets a seq above `last_seq` too, even in a queue deleted and created again under the name, whose
 * new counter starts above the old one (see FIRST_SEQ). So once true, a head stays true, and the
 * highest head seen is the best.
 */
export class QueueHeads {
  private readonly heads = new Map<string, bigint>();

  constructor(private readonly capacity = 10_000) {}

  /** The known head of the queue, '0' when unknown. */
  get(project: string, queue: string): string {
    return (this.heads.get(key(project, queue)) ?? 0n).toString();
  }

  /** Records a head computed by a query; lower or missing values change nothing. */
  raise(project: string, queue: string, head: string | null | undefined): void {
    if (head === null || head === undefined) return;
    const k = key(project, queue);
    const value = BigInt(head);
    const known = this.heads.get(k);
    if (known !== undefined && known >= value) return;
    // Forgetting a head only costs a longer scan, so a full map simply starts over.
    if (known === undefined && this.heads.size >= this.capacity) this.heads.clear();
    this.heads.set(k, value);
  }
}

function key(project: string, queue: string): string {
  return `${project.length}:${project}/${queue}`;
}

/**
 * "Live at `now`" for statements that walk one queue in seq order (list, claim, pop, stats), written
 * so that no index can serve it. Compared bare, `expires > now` lets the planner walk the
 * table-wide `expires` index and sort, instead of the queue's range of the primary key: after the
 * benchmark had churned half a million messages through the table, the primary key was ten times
 * the size of the `expires` index on disk, the generic plan for list took the `expires` index, and
 * list served 2,000-2,800 requests/s instead of 5,300 (2.7 ms a query instead of 0.5).
 */
export function liveAt(now: string, alias?: string): string {
  return `${alias ? `${alias}.` : ''}expires + 0 > ${now}`;
}

/**
 * SQL for the CTE `picked`: the first `limit` messages of queue ($1, $2) after the known head
 * `hint` that are free (unclaimed, or their claim expired), visible and live at `now`, in queue
 * order, locked; rows another transaction has locked are skipped. Claims and pops start here.
 */
export function pickFreeSql(columns: string, hint: string, now: string, limit: string): string {
  return `
picked AS MATERIALIZED (
  SELECT ${columns} FROM messages
  WHERE project = $1 AND queue = $2 AND seq > ${hint} AND ${liveAt(now)} AND delay_until <= ${now}
    AND (claim_id IS NULL OR claim_expires <= ${now})
  ORDER BY seq
  LIMIT ${limit}
  FOR UPDATE SKIP LOCKED
)`;
}

/**
 * SQL for the head of queue ($1, $2), scanning from a known head `hint`: in the statement's
 * snapshot, the lowest existing seq minus one, or `last_seq` when the queue has no message.
 */
export function headSql(hint: string): string {
  return `COALESCE(
    (SELECT h.seq - 1 FROM messages h WHERE h.project = $1 AND h.queue = $2 AND h.seq > ${hint} ORDER BY h.seq LIMIT 1),
    (SELECT q.last_seq FROM queues q WHERE q.project = $1 AND q.name = $2))`;
}
