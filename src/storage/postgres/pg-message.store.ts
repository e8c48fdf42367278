import type { Pool } from 'pg';
import type {
  DeleteOutcome,
  MessageListOptions,
  MessagePage,
  MessageRecord,
  MessageStore,
  NewMessage,
  Notify,
  QueueRef,
} from '../storage.contract';
import { newTimeOrderedId } from '../time-ordered-id';
import { GroupCommit } from './pg-group-commit';
import { headSql, liveAt, pickFreeSql, QueueHeads } from './pg-queue-heads';
import { encodePost, joinPosts, PostParams } from './pg-post-params';
import {
  FIRST_SEQ,
  HeadRow,
  isDataError,
  isUuid,
  messageColumns,
  MessageRow,
  parseSeqMarker,
  queueKey,
  toMessageRecord,
  toRecordsInQueueOrder,
  validUuids,
} from './pg-values';

interface PendingPost {
  ref: QueueRef;
  params: PostParams;
  count: number;
  now: number;
  notify?: Notify;
}

/** How a delete may remove its messages (the modes of DELETE_BATCH_SQL). */
enum DeleteMode {
  Any = 0,
  Free = 1,
  Held = 2,
}

interface PendingDelete {
  ref: QueueRef;
  ids: string[];
  mode: DeleteMode;
  claimIds: string[];
  now: number;
}

/** Messages in one group-commit flush at most (a single larger post still goes whole). */
const MAX_MESSAGES_PER_FLUSH = 1000;

/**
 * One statement, hence one transaction: bump the queue's counter by $4 (creating the queue row if
 * needed) and insert the whole batch numbered from it. The counter row stays locked until commit,
 * so a later batch of this queue can only take its numbers after this one is visible: a reader
 * paging by sequence never skips a message that commits late. The batch comes as parallel arrays
 * and one JSON array of bodies (see pg-post-params).
 */
const POST_SQL = `
WITH q AS (
  INSERT INTO queues AS q (project, name, metadata, created, last_seq)
  VALUES ($1, $2, '{}', $3, ${FIRST_SEQ} + $4)
  ON CONFLICT (project, name) DO UPDATE SET last_seq = q.last_seq + $4
  RETURNING q.last_seq
)
INSERT INTO messages (project, queue, seq, id, client_id, body, ttl, created, expires, delay_until)
SELECT $1, $2, q.last_seq - $4 + m.ord, m.id, m.client_id, m.body, m.ttl, m.created,
       m.created + m.ttl::bigint * 1000, m.created + m.delay::bigint * 1000
FROM q, ROWS FROM (unnest($5::uuid[]), unnest($6::text[]), json_array_elements($7::json),
                   unnest($8::int[]), unnest($9::int[]), unnest($10::bigint[]))
  WITH ORDINALITY AS m(id, client_id, body, ttl, delay, created, ord)`;

/**
 * POST_SQL that also writes the outbox (see DeliveryStore): one delivery per message, in order,
 * and live subscription of the queue ($11: every one, or only the confirmed). The deliveries are
 * made from the statement's parameters, not from the inserted rows, so a queue without
 * subscribers costs one probe of the subscriptions key.
 */
const POST_NOTIFY_SQL = `
WITH d AS (
  INSERT INTO deliveries (project, queue, subscription_id, ttl, body, posted, due)
  SELECT $1, $2, s.id, m.ttl, m.body, m.created, m.created
  FROM (SELECT id FROM subscriptions
        WHERE project = $1 AND queue = $2 AND expires > $3 AND ($11 OR confirmed)) s,
       ROWS FROM (json_array_elements($7::json), unnest($8::int[]), unnest($10::bigint[]))
         WITH ORDINALITY AS m(body, ttl, created, ord)
  ORDER BY m.ord, s.id
)${POST_SQL.replace(/^\s*WITH /, ', ')}`;

/**
 * Without a marker the scan starts at the queue's known head ($4 is then the hint), and the
 * statement also reports the current head (an init plan, run only when $10 asks for it).
 */
export const LIST_SQL = `
SELECT ${messageColumns('$3')}, CASE WHEN $10 THEN ${headSql('$4')} END AS head
FROM messages m
WHERE m.project = $1 AND m.queue = $2 AND m.seq > $4 AND ${liveAt('$3', 'm')}
  AND ($5 OR m.client_id <> $6)
  AND ($7 OR m.claim_id IS NULL OR m.claim_expires <= $3)
  AND ($8 OR m.delay_until <= $3)
ORDER BY m.seq
LIMIT $9`;

const GET_SQL = `
SELECT ${messageColumns('$3')}
FROM messages m
WHERE m.project = $1 AND m.queue = $2 AND m.id = $4 AND m.expires > $3`;

const GET_MANY_SQL = `
SELECT ${messageColumns('$3')}
FROM messages m
WHERE m.project = $1 AND m.queue = $2 AND m.id = ANY($4::uuid[]) AND m.expires > $3
ORDER BY m.seq`;

/**
 * Why a single delete (DELETE_BATCH_SQL) removed nothing: whether the message lives, who holds it,
 * and whether the caller's claim ($5) is valid.
 */
const DELETE_WHY_SQL = `
SELECT m.claim_id, m.claim_expires > $4 AS claimed,
       EXISTS (SELECT 1 FROM claims c
               WHERE c.project = $1 AND c.queue = $2 AND c.id = $5::uuid AND c.expires > $4) AS claim_valid
FROM messages m
WHERE m.project = $1 AND m.queue = $2 AND m.id = $3 AND m.expires > $4`;

/**
 * Deletes on one queue, made together (see PgMessageStore.deletes). Each delete is a row k of the
 * batch: the message ids it names ($3, with their k in $4) and how it may delete ($5[k]):
 *  0 whatever the message's state (a bulk delete without claim ids);
 *  1 only a free message (a delete without claim id);
 *  2 only a message validly held by one of its claims ($6, with their k in $7).
 * Returns the ids deleted; why the others were not is asked afterwards, for them alone.
 */
const DELETE_BATCH_SQL = `
DELETE FROM messages m
WHERE m.project = $1 AND m.queue = $2 AND m.id = ANY ($3::uuid[])
  AND EXISTS (
    SELECT 1 FROM unnest($3::uuid[], $4::int[]) AS w(id, k)
    WHERE w.id = m.id AND CASE ($5::int[])[w.k]
      WHEN 0 THEN true
      WHEN 1 THEN m.expires > $8 AND (m.claim_id IS NULL OR m.claim_expires <= $8)
      ELSE m.expires > $8 AND m.claim_expires > $8
        AND EXISTS (SELECT 1 FROM unnest($6::uuid[], $7::int[]) AS h(claim_id, k)
                    WHERE h.k = w.k AND h.claim_id = m.claim_id)
    END)
RETURNING m.id`;

/** Which of the ids left over exist: those were refused. */
const EXISTING_SQL = `
SELECT id FROM messages WHERE project = $1 AND queue = $2 AND id = ANY($3::uuid[]) AND expires > $4`;

/** Pops from the known head ($5) and reports the head as it was before (one row even when empty). */
export const POP_SQL = `
WITH ${pickFreeSql('seq', '$5', '$3', '$4')},
popped AS (
  DELETE FROM messages m
  WHERE m.project = $1 AND m.queue = $2 AND m.seq = ANY (ARRAY(SELECT seq FROM picked))
  RETURNING m.id, m.body, m.ttl, m.created, NULL::uuid AS claim_id, m.claim_count, m.seq
)
SELECT hd.head, p.* FROM (SELECT ${headSql('$5')} AS head) hd LEFT JOIN popped p ON true`;

const PURGE_SQL = `
WITH c AS (DELETE FROM claims WHERE project = $1 AND queue = $2)
DELETE FROM messages WHERE project = $1 AND queue = $2`;

/** What a post gets once the driver has been closed. */
export class PostgresDriverClosed extends Error {
  constructor() {
    super('the PostgreSQL storage driver is closed');
  }
}

export class PgMessageStore implements MessageStore {
  private readonly posts: GroupCommit<PendingPost>;
  /**
   * Deletes of one queue are batched as posts are: while one batch is in flight the next gathers
   * here, and each caller learns which of its ids were deleted.
   */
  private readonly deletes: GroupCommit<PendingDelete, Set<string>>;
  private closed = false;

  constructor(
    private readonly pool: Pool,
    private readonly heads: QueueHeads,
    /** Told how many rows each flush inserted (the driver keeps planner statistics fresh with it). */
    private readonly inserted: (rows: number) => void = () => {},
  ) {
    this.posts = new GroupCommit<PendingPost>((_key, batch) => this.insert(batch), {
      maxWeight: MAX_MESSAGES_PER_FLUSH,
      retryAlone: isDataError,
    });
    this.deletes = new GroupCommit<PendingDelete, Set<string>>((_key, batch) => this.deleteBatch(batch), {
      maxWeight: MAX_MESSAGES_PER_FLUSH,
      retryAlone: () => false,
    });
  }

  async post(ref: QueueRef, clientId: string, messages: NewMessage[], now: number, notify?: Notify): Promise<string[]> {
    if (this.closed) throw new PostgresDriverClosed();
    if (messages.length === 0) return [];
    const ids = messages.map(() => newTimeOrderedId());
    const params = encodePost(ids, clientId, messages, now);
    await this.posts.submit(queueKey(ref), { ref, params, count: ids.length, now, notify }, ids.length);
    return ids;
  }

  async list(ref: QueueRef, options: MessageListOptions, now: number): Promise<MessagePage> {
    const marker = parseSeqMarker(options.marker);
    const fromHead = marker === '0';
    const { rows } = await this.pool.query<MessageRow & HeadRow>({
      name: 'zaqar-msg-list',
      text: LIST_SQL,
      values: [
        ref.project,
        ref.queue,
        now,
        fromHead ? this.heads.get(ref.project, ref.queue) : marker,
        options.echo,
        options.clientId,
        options.includeClaimed,
        options.includeDelayed,
        options.limit,
        fromHead,
      ],
    });
    if (fromHead && rows.length > 0) this.heads.raise(ref.project, ref.queue, rows[0].head);
    return {
      messages: rows.map(toMessageRecord),
      marker: rows.length > 0 ? rows[rows.length - 1].seq : null,
    };
  }

  async get(ref: QueueRef, id: string, now: number): Promise<MessageRecord | null> {
    if (!isUuid(id)) return null;
    const { rows } = await this.pool.query<MessageRow>({
      name: 'zaqar-msg-get',
      text: GET_SQL,
      values: [ref.project, ref.queue, now, id],
    });
    return rows.length > 0 ? toMessageRecord(rows[0]) : null;
  }

  async getMany(ref: QueueRef, ids: string[], now: number): Promise<MessageRecord[]> {
    const wanted = validUuids(ids);
    if (wanted.length === 0) return [];
    const { rows } = await this.pool.query<MessageRow>({
      name: 'zaqar-msg-get-many',
      text: GET_MANY_SQL,
      values: [ref.project, ref.queue, now, wanted],
    });
    return rows.map(toMessageRecord);
  }

  async delete(ref: QueueRef, id: string, claimId: string | undefined, now: number): Promise<DeleteOutcome> {
    if (!isUuid(id)) return 'missing';
    const withClaim = claimId !== undefined;
    // A malformed claim id is a claim that does not exist, which is not the same as no claim id.
    const claim = withClaim && isUuid(claimId) ? claimId : null;
    const wanted: PendingDelete = {
      ref,
      ids: [id],
      mode: withClaim ? DeleteMode.Held : DeleteMode.Free,
      claimIds: claim === null ? [] : [claim],
      now,
    };
    // The state can change between a refused delete and the look at why; then try again.
    for (let attempt = 0; ; attempt++) {
      if ((await this.submitDelete(wanted)).has(id)) return 'deleted';
      const { rows } = await this.pool.query<{
        claim_id: string | null;
        claimed: boolean | null;
        claim_valid: boolean;
      }>({
        name: 'zaqar-msg-delete-why',
        text: DELETE_WHY_SQL,
        values: [ref.project, ref.queue, id, now, claim],
      });
      if (rows.length === 0) return 'missing';
      const { claim_id: holder, claimed, claim_valid: claimValid } = rows[0];
      const held = holder !== null && claimed === true;
      let outcome: DeleteOutcome | null;
      if (!withClaim) outcome = held ? 'claimed' : null;
      else if (!held) outcome = 'not-claimed';
      else if (holder === claim) outcome = null;
      else outcome = claimValid ? 'claimed-by-other' : 'no-such-claim';
      if (outcome !== null) return outcome;
      if (attempt >= 3) return withClaim ? 'not-claimed' : 'claimed';
    }
  }

  async deleteMany(
    ref: QueueRef,
    ids: string[],
    claimIds: string[] | undefined,
    now: number,
  ): Promise<{ deleted: number; refused: string[] }> {
    const wanted = validUuids(ids);
    if (wanted.length === 0) return { deleted: 0, refused: [] };
    const mode = claimIds === undefined ? DeleteMode.Any : DeleteMode.Held;
    const gone = await this.submitDelete({ ref, ids: wanted, mode, claimIds: validUuids(claimIds ?? []), now });
    const left = wanted.filter((id) => !gone.has(id));
    const deleted = wanted.length - left.length;
    // Refusals exist only with claim ids, and are looked for only when something was left:
    // acknowledging a whole claim costs one statement.
    if (claimIds === undefined || left.length === 0) return { deleted, refused: [] };
    const { rows } = await this.pool.query<{ id: string }>({
      name: 'zaqar-msg-existing',
      text: EXISTING_SQL,
      values: [ref.project, ref.queue, left, now],
    });
    const refused = new Set(rows.map((r) => r.id));
    return { deleted, refused: left.filter((id) => refused.has(id)) };
  }

  async pop(ref: QueueRef, limit: number, now: number): Promise<MessageRecord[]> {
    if (limit <= 0) return [];
    const { rows } = await this.pool.query<MessageRow & HeadRow>({
      name: 'zaqar-msg-pop',
      text: POP_SQL,
      values: [ref.project, ref.queue, now, limit, this.heads.get(ref.project, ref.queue)],
    });
    this.heads.raise(ref.project, ref.queue, rows[0]?.head);
    return toRecordsInQueueOrder(rows.filter((row) => row.id !== null));
  }

  async purge(ref: QueueRef): Promise<void> {
    await this.pool.query(PURGE_SQL, [ref.project, ref.queue]);
  }

  /** Refuses new posts and waits for the buffered ones to commit (the driver is closing). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([this.posts.idle(), this.deletes.idle()]);
  }

  /** Resolves with the ids its batch deleted, among them those of this delete that were. */
  private submitDelete(pending: PendingDelete): Promise<Set<string>> {
    return this.deletes.submit(queueKey(pending.ref), pending, pending.ids.length);
  }

  private async deleteBatch(batch: PendingDelete[]): Promise<Set<string>[]> {
    const { project, queue } = batch[0].ref;
    const ids: string[] = [];
    const idRows: number[] = [];
    const claimIds: string[] = [];
    const claimRows: number[] = [];
    batch.forEach((pending, i) => {
      for (const id of pending.ids) {
        ids.push(id);
        idRows.push(i + 1);
      }
      for (const claimId of pending.claimIds) {
        claimIds.push(claimId);
        claimRows.push(i + 1);
      }
    });
    const { rows } = await this.pool.query<{ id: string }>({
      name: 'zaqar-msg-delete-batch',
      text: DELETE_BATCH_SQL,
      values: [
        project,
        queue,
        ids,
        idRows,
        batch.map((pending) => pending.mode),
        claimIds,
        claimRows,
        Math.max(...batch.map((pending) => pending.now)),
      ],
    });
    const deleted = new Set(rows.map((row) => row.id));
    return batch.map(() => deleted);
  }

  private async insert(batch: PendingPost[]): Promise<void> {
    const { project, queue } = batch[0].ref;
    let count = 0;
    for (const post of batch) count += post.count;
    const values = [project, queue, batch[0].now, count, ...joinPosts(batch.map((post) => post.params))];
    // Notifying is a server-wide setting, so the posts of one batch agree on it.
    const notify = batch[0].notify;
    await this.pool.query(
      notify
        ? { name: 'zaqar-msg-post-notify', text: POST_NOTIFY_SQL, values: [...values, notify === 'subscribed'] }
        : { name: 'zaqar-msg-post', text: POST_SQL, values },
    );
    this.inserted(count);
  }
}
