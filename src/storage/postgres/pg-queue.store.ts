import { escapeLiteral, type Pool } from 'pg';
import { beforeNul } from '../../common/nul-text';
import { DataSource, MoreThan, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Metadata, QueueListing, QueueListOptions, QueueRef, QueueStats, QueueStore } from '../storage.contract';
import { QueueEntity } from './entities/queue.entity';
import { GroupCommit } from './pg-group-commit';
import { liveAt, type QueueHeads } from './pg-queue-heads';
import {
  compareSeq,
  FIRST_SEQ,
  isDataError,
  messageColumns,
  MessageRow,
  queueKey,
  sqlInteger,
  toMessageRecord,
} from './pg-values';

/**
 * Creates a batch of queues; an existing queue is left alone. Returns the queues it created. A
 * batch names each queue once, so that each caller learns whether it was the one that created it.
 */
const CREATE_BATCH_SQL = `
INSERT INTO queues AS q (project, name, metadata, created, last_seq)
SELECT project, name, metadata, created, ${FIRST_SEQ}
FROM unnest($1::text[], $2::text[], $3::json[], $4::bigint[]) AS c(project, name, metadata, created)
ON CONFLICT (project, name) DO NOTHING
RETURNING q.project, q.name`;

/** See the migration that creates zaqar_delete_queues. */
const DELETE_BATCH_SQL = `SELECT zaqar_delete_queues($1::text[], $2::text[])`;

interface PendingCreate {
  ref: QueueRef;
  metadata: Metadata;
  now: number;
}

/** Queues created or deleted in one statement at most. */
const MAX_QUEUES_PER_BATCH = 200;

/**
 * Counts and both ends of the queue in one statement, scanning from the queue's known head: the
 * aggregate gives the lowest and highest live sequence, and the join fetches those one or two
 * messages by primary key.
 *
 * The values are inline, so the statement is planned for them. The pool's sessions use generic
 * plans (see postgres.schema), and with no LIMIT and no order to keep, a generic plan for the
 * count walked the `expires` index, every live message of every queue, instead of this queue's
 * range of the primary key: measured once mid-benchmark, 600 ms per stats request. liveAt now keeps
 * that index out of every walk; the values stay inline because a generic plan for this aggregate
 * was never checked on a churned table, and the statement runs at most once per STATS_CACHE_MS
 * per queue, so planning it each time costs nothing that shows.
 */
export function statsSql(ref: QueueRef, now: number, head: string): string {
  const [project, queue, at] = [escapeLiteral(ref.project), escapeLiteral(ref.queue), sqlInteger(now)];
  return `
WITH a AS (
  SELECT count(*)::int AS total,
         count(*) FILTER (WHERE claim_id IS NOT NULL AND claim_expires > ${at})::int AS claimed,
         min(seq) AS lo, max(seq) AS hi
  FROM messages
  WHERE project = ${project} AND queue = ${queue} AND seq > ${sqlInteger(head)} AND ${liveAt(at)}
)
SELECT a.total, a.claimed, ${messageColumns(at)}
FROM a LEFT JOIN messages m ON m.project = ${project} AND m.queue = ${queue} AND m.seq IN (a.lo, a.hi)`;
}

/**
 * A batch's queues sorted by key, which is the order their rows get locked: two processes whose
 * batches share queues then lock them in the same order and cannot deadlock.
 */
function inLockOrder<T>(items: T[], refOf: (item: T) => QueueRef): T[] {
  const keyed = items.map((item) => [queueKey(refOf(item)), item] as const);
  return keyed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, item]) => item);
}

interface StatsRow extends MessageRow {
  total: number;
  claimed: number;
}

/** TypeORM's deep-partial typing cannot see through `unknown` values; a json column takes them whole. */
function asJsonb(metadata: Metadata): QueryDeepPartialEntity<QueueEntity>['metadata'] {
  return metadata as QueryDeepPartialEntity<QueueEntity>['metadata'];
}

/**
 * Reading and listing queue rows goes through TypeORM; stats, create and delete are explicit SQL.
 *
 * Creates and deletes go out in batches (a group commit across queues): each is a commit of its
 * own otherwise, and a service that makes and drops short-lived queues (a reply queue per request,
 * say) would pay one disk flush per queue.
 */
export class PgQueueStore implements QueueStore {
  private readonly repo: Repository<QueueEntity>;
  private readonly creates: GroupCommit<PendingCreate, boolean>;
  private readonly deletes: GroupCommit<QueueRef>;

  constructor(
    dataSource: DataSource,
    private readonly pool: Pool,
    private readonly heads: QueueHeads,
  ) {
    this.repo = dataSource.getRepository(QueueEntity);
    const options = { maxWeight: MAX_QUEUES_PER_BATCH, retryAlone: isDataError };
    this.creates = new GroupCommit<PendingCreate, boolean>((_key, batch) => this.createBatch(batch), options);
    this.deletes = new GroupCommit<QueueRef>((_key, batch) => this.deleteBatch(batch), options);
  }

  create(ref: QueueRef, metadata: Metadata, now: number): Promise<boolean> {
    return this.creates.submit('', { ref, metadata, now }, 1);
  }

  async getMetadata(ref: QueueRef): Promise<Metadata | null> {
    const row = await this.repo.findOne({
      select: { metadata: true },
      where: { project: ref.project, name: ref.queue },
    });
    return row?.metadata ?? null;
  }

  async setMetadata(ref: QueueRef, metadata: Metadata): Promise<boolean> {
    const result = await this.repo.update({ project: ref.project, name: ref.queue }, { metadata: asJsonb(metadata) });
    return (result.affected ?? 0) > 0;
  }

  delete(ref: QueueRef): Promise<void> {
    return this.deletes.submit('', ref, 1);
  }

  /** Waits for the creates and deletes in flight (the driver is closing). */
  async idle(): Promise<void> {
    await Promise.all([this.creates.idle(), this.deletes.idle()]);
  }

  async list(project: string, options: QueueListOptions): Promise<QueueListing[]> {
    if (options.limit <= 0) return [];
    const marker = options.marker === undefined ? undefined : beforeNul(options.marker);
    const rows = await this.repo.find({
      select: { name: true, metadata: true },
      where: marker === undefined ? { project } : { project, name: MoreThan(marker) },
      order: { name: 'ASC' },
      take: options.limit,
    });
    return rows.map((row) => (options.detailed ? { name: row.name, metadata: row.metadata } : { name: row.name }));
  }

  count(project: string): Promise<number> {
    return this.repo.count({ where: { project } });
  }

  async stats(ref: QueueRef, now: number): Promise<QueueStats> {
    const { rows } = await this.pool.query<StatsRow>(statsSql(ref, now, this.heads.get(ref.project, ref.queue)));
    const { total, claimed } = rows[0];
    const stats: QueueStats = { claimed, free: total - claimed, total };
    const ends = rows.filter((row) => row.id !== null).sort(compareSeq);
    if (ends.length > 0) {
      stats.oldest = toMessageRecord(ends[0]);
      stats.newest = toMessageRecord(ends[ends.length - 1]);
    }
    return stats;
  }

  private async createBatch(batch: PendingCreate[]): Promise<boolean[]> {
    // A queue named twice goes in once: the first names it, the later ones find it there.
    const first = new Map<string, PendingCreate>();
    for (const pending of batch) if (!first.has(queueKey(pending.ref))) first.set(queueKey(pending.ref), pending);
    const unique = inLockOrder([...first.values()], (c) => c.ref);
    const { rows } = await this.pool.query<{ project: string; name: string }>({
      name: 'zaqar-queue-create-batch',
      text: CREATE_BATCH_SQL,
      values: [
        unique.map((c) => c.ref.project),
        unique.map((c) => c.ref.queue),
        unique.map((c) => JSON.stringify(c.metadata)),
        unique.map((c) => c.now),
      ],
    });
    const created = new Set(rows.map((row) => queueKey({ project: row.project, queue: row.name })));
    return batch.map((pending) => first.get(queueKey(pending.ref)) === pending && created.has(queueKey(pending.ref)));
  }

  private async deleteBatch(batch: QueueRef[]): Promise<void> {
    const refs = inLockOrder(batch, (ref) => ref);
    await this.pool.query({
      name: 'zaqar-queue-delete-batch',
      text: DELETE_BATCH_SQL,
      values: [refs.map((ref) => ref.project), refs.map((ref) => ref.queue)],
    });
  }
}
