import type { Pool } from 'pg';
import type {
  ClaimedBatch,
  ClaimInfo,
  ClaimOptions,
  ClaimStore,
  DeadLetterPolicy,
  QueueRef,
} from '../storage.contract';
import { newTimeOrderedId } from '../time-ordered-id';
import { GroupCommit } from './pg-group-commit';
import { headSql, pickFreeSql, QueueHeads } from './pg-queue-heads';
import { FIRST_SEQ, HeadRow, isUuid, messageColumns, MessageRow, queueKey, toRecordsInQueueOrder } from './pg-values';

/**
 * Claiming is one statement, so one round trip and one transaction:
 *  - `picked` locks the first free, visible, live messages in queue order, skipping rows another
 *    claimer has locked; rows claimed by a transaction that committed meanwhile are re-checked
 *    against the newest version (READ COMMITTED), so two valid claims never share a message;
 *  - `claimed` marks them (claim columns are in no index, so the update is HOT), stretching the
 *    life of those that would die before the claim ends plus grace, as Zaqar does;
 *  - a claim row is written only when something was claimed.
 * The pick starts at the queue's known head ($11, see pg-queue-heads), so it does not step over
 * the dead entries of consumed messages, and the statement reports the head anew. The outer
 * UPDATE is filtered by project and queue as well as seq, so it walks the primary key.
 */
const CLAIM_PICK = pickFreeSql('seq, claim_count', '$11', '$3', '$4');

const CLAIM_MARK = `
claimed AS (
  UPDATE messages m
  SET claim_id = $5, claim_expires = $6, claim_count = m.claim_count + 1,
      expires = CASE WHEN m.expires < $7 THEN $7 ELSE m.expires END,
      ttl = CASE WHEN m.expires < $7 THEN $8 ELSE m.ttl END
  WHERE m.project = $1 AND m.queue = $2
    AND m.seq = ANY (ARRAY(SELECT seq FROM picked WHERE claim_count < $12))
  RETURNING m.id, m.body, m.ttl, m.created, m.claim_id, m.claim_count, m.seq
),
claim_row AS (
  INSERT INTO claims (project, queue, id, ttl, grace, updated, expires, message_ids)
  SELECT $1::text, $2::text, $5::uuid, $9::int, $10::int, $3::bigint, $6::bigint, array_agg(id)
  FROM claimed HAVING count(*) > 0
)`;

/** In CLAIM_BATCH_SQL's UPDATE: the index of the claim that takes message m (see there). */
const CLAIM_OF_MESSAGE = 'width_bucket(m.seq, f.seqs)';

/** One row even when nothing was claimed, so that the queue's head (and `extra`) is always reported. */
const claimResult = (hint: string, extra = '') => `
SELECT hd.head${extra}, c.* FROM (SELECT ${headSql(hint)} AS head) hd LEFT JOIN claimed c ON true`;

/**
 * Several claims on one queue, made together (see PgClaimStore.create): the same steps as a single
 * claim, with the picked messages dealt out in queue order, each claim taking as many as its
 * limit asks while they last. So concurrent claimers step over the queue's claimed messages once
 * per batch instead of once each, and commit once. The claims are the rows of the arrays $5 to
 * $12; $4 is the sum of their limits, $3 the batch's clock and $13 the queue's known head.
 *
 * Dealing: claim k takes the picked messages from the one at rank (the limits before k) + 1, so
 * `firsts` lists the seq each claim starts at, and a message's claim is the bucket its seq falls
 * in (width_bucket, a binary search). The UPDATE then reads its claim's values from the arrays by
 * that index and joins nothing. Why no join: the planner sizes `picked` from `LIMIT $4` blind,
 * as a few rows, and when the UPDATE joined the messages to a per-message list of their claims,
 * it could choose to rescan that list once per message. Seen in the benchmark with a form of this
 * statement that joined so (auto_explain): for seconds on end, batches of 300 messages took 14 ms
 * (median) instead of 3; the form before it took the same plan in a harness on custom plans.
 */
export const CLAIM_BATCH_SQL = `
WITH ${pickFreeSql('seq', '$13', '$3', '$4')},
firsts AS MATERIALIZED (
  SELECT ARRAY(
    SELECT p.seq FROM (SELECT seq, row_number() OVER (ORDER BY seq) AS rank FROM picked) p
    WHERE p.rank = ANY (ARRAY(SELECT sum(l.lim) OVER (ORDER BY l.k) - l.lim + 1
                              FROM unnest($6::int[]) WITH ORDINALITY AS l(lim, k)))
    ORDER BY p.seq) AS seqs
),
claimed AS (
  UPDATE messages m
  SET claim_id = ($5::uuid[])[${CLAIM_OF_MESSAGE}], claim_expires = ($7::bigint[])[${CLAIM_OF_MESSAGE}],
      claim_count = m.claim_count + 1,
      expires = GREATEST(m.expires, ($8::bigint[])[${CLAIM_OF_MESSAGE}]),
      ttl = CASE WHEN m.expires < ($8::bigint[])[${CLAIM_OF_MESSAGE}] THEN ($9::int[])[${CLAIM_OF_MESSAGE}] ELSE m.ttl END
  FROM firsts f
  WHERE m.project = $1 AND m.queue = $2 AND m.seq = ANY (ARRAY(SELECT seq FROM picked))
  RETURNING m.id, m.body, m.ttl, m.created, m.claim_id, m.claim_count, m.seq
),
claim_rows AS (
  INSERT INTO claims (project, queue, id, ttl, grace, updated, expires, message_ids)
  SELECT $1::text, $2::text, g.claim_id, ($10::int[])[g.k], ($11::int[])[g.k], ($12::bigint[])[g.k], ($7::bigint[])[g.k], g.ids
  FROM (SELECT claim_id, array_position($5::uuid[], claim_id) AS k, array_agg(id ORDER BY seq) AS ids
        FROM claimed GROUP BY claim_id) g
) ${claimResult('$13')}`;

/**
 * With a dead-letter policy, the picked messages already claimed `maxClaimCount` times move to the
 * dead-letter queue instead: numbered at its end from its counter (its row locked to commit, as in
 * a post), unclaimed, with a fresh life. The count compares as float8: a queue may set any integer.
 */
const CLAIM_DLQ_SQL = `WITH ${CLAIM_PICK},
dead AS (
  SELECT seq, row_number() OVER (ORDER BY seq) AS rn, count(*) OVER () AS n
  FROM picked WHERE claim_count >= $12::float8
),
dlq AS (
  INSERT INTO queues AS q (project, name, metadata, created, last_seq)
  SELECT $1::text, $13::text, '{}'::json, $3::bigint, ${FIRST_SEQ} + count(*) FROM dead HAVING count(*) > 0
  ON CONFLICT (project, name) DO UPDATE SET last_seq = q.last_seq + (SELECT count(*) FROM dead)
  RETURNING q.last_seq
),
moved AS (
  UPDATE messages m
  SET queue = $13, seq = dlq.last_seq - d.n + d.rn, claim_id = NULL, claim_expires = NULL,
      ttl = COALESCE($14::int, m.ttl), expires = $3 + COALESCE($14::int, m.ttl)::bigint * 1000
  FROM dead d, dlq
  WHERE m.project = $1 AND m.queue = $2 AND m.seq = d.seq
  RETURNING 1
), ${CLAIM_MARK} ${claimResult('$11', ', (SELECT count(*) FROM moved)::int AS dead_lettered')}`;

/*
 * The statements below find a claim's messages with `id = ANY ((SELECT message_ids …))`: the
 * sub-select runs once, first, and the ids become an index condition whatever the planner's
 * statistics say.
 */
const GET_SQL = `
WITH c AS (
  SELECT ttl, updated, message_ids FROM claims
  WHERE project = $1 AND queue = $2 AND id = $4 AND expires > $3
)
SELECT c.ttl AS claim_ttl, c.updated AS claim_updated, ${messageColumns('$3')}
FROM c
LEFT JOIN messages m
  ON m.project = $1 AND m.queue = $2 AND m.id = ANY ((SELECT message_ids FROM c)::uuid[])
 AND m.claim_id = $4 AND m.claim_expires > $3 AND m.expires > $3`;

const RENEW_SQL = `
WITH c AS (
  UPDATE claims SET ttl = $5, grace = $6, updated = $3, expires = $7
  WHERE project = $1 AND queue = $2 AND id = $4 AND expires > $3
  RETURNING message_ids
),
m AS (
  UPDATE messages m
  SET claim_expires = $7,
      expires = CASE WHEN m.expires < $8 THEN $8 ELSE m.expires END,
      ttl = CASE WHEN m.expires < $8 THEN $9 ELSE m.ttl END
  WHERE m.project = $1 AND m.queue = $2 AND m.id = ANY ((SELECT message_ids FROM c)::uuid[])
    AND m.claim_id = $4 AND m.claim_expires > $3 AND m.expires > $3
)
SELECT count(*)::int AS renewed FROM c`;

const RELEASE_SQL = `
WITH c AS (
  DELETE FROM claims WHERE project = $1 AND queue = $2 AND id = $3
  RETURNING message_ids
)
UPDATE messages m SET claim_id = NULL, claim_expires = NULL
WHERE m.project = $1 AND m.queue = $2 AND m.id = ANY ((SELECT message_ids FROM c)::uuid[]) AND m.claim_id = $3`;

interface ClaimRow extends MessageRow {
  claim_ttl: number;
  claim_updated: string;
}

interface PendingClaim {
  ref: QueueRef;
  claimId: string;
  options: ClaimOptions;
  now: number;
}

/** Messages one batch of claims may take at most (a single claim asks for 20 by default). */
const MAX_MESSAGES_PER_BATCH = 1000;

export class PgClaimStore implements ClaimStore {
  /**
   * Claims on one queue are made in batches: concurrent claimers would only step over each other's
   * locked messages, so while one batch is in flight the next waits here and goes out as one
   * statement (a group commit, as for posts).
   */
  private readonly batches: GroupCommit<PendingClaim, ClaimedBatch>;

  constructor(
    private readonly pool: Pool,
    private readonly heads: QueueHeads,
  ) {
    // A failed batch fails its callers: nothing in one claim can make the statement fail alone.
    this.batches = new GroupCommit<PendingClaim, ClaimedBatch>((_key, batch) => this.claimBatch(batch), {
      maxWeight: MAX_MESSAGES_PER_BATCH,
      retryAlone: () => false,
    });
  }

  async create(ref: QueueRef, options: ClaimOptions, now: number): Promise<ClaimedBatch> {
    const claimId = newTimeOrderedId();
    if (options.limit <= 0) return { claimId, messages: [] };
    if (options.deadLetter) return this.claimWithDeadLetter(ref, claimId, options, options.deadLetter, now);
    return this.batches.submit(queueKey(ref), { ref, claimId, options, now }, options.limit);
  }

  /** Waits for the claims in flight (the driver is closing). */
  idle(): Promise<void> {
    return this.batches.idle();
  }

  async get(ref: QueueRef, claimId: string, now: number): Promise<ClaimInfo | null> {
    if (!isUuid(claimId)) return null;
    const { rows } = await this.pool.query<ClaimRow>({
      name: 'zaqar-claim-get',
      text: GET_SQL,
      values: [ref.project, ref.queue, now, claimId],
    });
    if (rows.length === 0) return null;
    return {
      id: claimId,
      ttl: rows[0].claim_ttl,
      updated: Number(rows[0].claim_updated),
      messages: toRecordsInQueueOrder(rows.filter((row) => row.id !== null)),
    };
  }

  async renew(ref: QueueRef, claimId: string, ttl: number, grace: number, now: number): Promise<boolean> {
    if (!isUuid(claimId)) return false;
    const lifeTtl = ttl + grace;
    const { rows } = await this.pool.query<{ renewed: number }>({
      name: 'zaqar-claim-renew',
      text: RENEW_SQL,
      values: [ref.project, ref.queue, now, claimId, ttl, grace, now + ttl * 1000, now + lifeTtl * 1000, lifeTtl],
    });
    return rows[0].renewed > 0;
  }

  async release(ref: QueueRef, claimId: string, _now: number): Promise<void> {
    if (!isUuid(claimId)) return;
    await this.pool.query({
      name: 'zaqar-claim-release',
      text: RELEASE_SQL,
      values: [ref.project, ref.queue, claimId],
    });
  }

  private async claimBatch(batch: PendingClaim[]): Promise<ClaimedBatch[]> {
    const { project, queue } = batch[0].ref;
    const now = Math.max(...batch.map((c) => c.now));
    const column = <V>(value: (c: PendingClaim) => V) => batch.map(value);
    const { rows } = await this.pool.query<MessageRow & HeadRow>({
      name: 'zaqar-claim-batch',
      text: CLAIM_BATCH_SQL,
      values: [
        project,
        queue,
        now,
        batch.reduce((sum, c) => sum + c.options.limit, 0),
        column((c) => c.claimId),
        column((c) => c.options.limit),
        column((c) => c.now + c.options.ttl * 1000),
        column((c) => c.now + (c.options.ttl + c.options.grace) * 1000),
        column((c) => c.options.ttl + c.options.grace),
        column((c) => c.options.ttl),
        column((c) => c.options.grace),
        column((c) => c.now),
        this.heads.get(project, queue),
      ],
    });
    this.heads.raise(project, queue, rows[0]?.head);
    const byClaim = new Map<string, MessageRow[]>(batch.map((c) => [c.claimId, []]));
    for (const row of rows) if (row.claim_id !== null) byClaim.get(row.claim_id)?.push(row);
    return batch.map((c) => ({ claimId: c.claimId, messages: toRecordsInQueueOrder(byClaim.get(c.claimId)!) }));
  }

  private async claimWithDeadLetter(
    ref: QueueRef,
    claimId: string,
    options: ClaimOptions,
    dead: DeadLetterPolicy,
    now: number,
  ): Promise<ClaimedBatch> {
    const lifeTtl = options.ttl + options.grace;
    const { rows } = await this.pool.query<MessageRow & HeadRow & { dead_lettered: number }>({
      name: 'zaqar-claim-create-dlq',
      text: CLAIM_DLQ_SQL,
      values: [
        ref.project,
        ref.queue,
        now,
        options.limit,
        claimId,
        now + options.ttl * 1000,
        now + lifeTtl * 1000,
        lifeTtl,
        options.ttl,
        options.grace,
        this.heads.get(ref.project, ref.queue),
        dead.maxClaimCount,
        dead.queue,
        dead.ttl ?? null,
      ],
    });
    this.heads.raise(ref.project, ref.queue, rows[0]?.head);
    const messages = toRecordsInQueueOrder(rows.filter((row) => row.id !== null));
    const deadLettered = rows[0]?.dead_lettered ?? 0;
    return deadLettered > 0 ? { claimId, messages, deadLettered } : { claimId, messages };
  }
}
