import { escapeLiteral, type Pool } from 'pg';
import { DataSource, IsNull, MoreThan, Not, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Metadata, QueueListing, QueueListOptions, QueueRef, QueueStats, QueueStore } from '../storage.contract';
import { QueueEntity } from './entities/queue.entity';
import type { QueueHeads } from './pg-queue-heads';
import { beforeNul, compareSeq, messageColumns, MessageRow, toMessageRecord } from './pg-values';

/** Creates the queue, or revives a deleted one (a tombstone); an existing live queue is left alone. */
const CREATE_SQL = `
INSERT INTO queues AS q (project, name, metadata, created, last_seq)
VALUES ($1, $2, $3, $4, 0)
ON CONFLICT (project, name) DO UPDATE SET metadata = EXCLUDED.metadata, created = EXCLUDED.created
WHERE q.metadata IS NULL
RETURNING 1`;

/**
 * Counts and both ends of the queue in one statement, scanning from the queue's known head ($4):
 * the aggregate gives the lowest and highest live sequence, and the join fetches those one or two
 * messages by primary key.
 */
const STATS_SQL = `
WITH a AS (
  SELECT count(*)::int AS total,
         count(*) FILTER (WHERE claim_id IS NOT NULL AND claim_expires > $3)::int AS claimed,
         min(seq) AS lo, max(seq) AS hi
  FROM messages
  WHERE project = $1 AND queue = $2 AND seq > $4 AND expires > $3
)
SELECT a.total, a.claimed, ${messageColumns('$3')}
FROM a LEFT JOIN messages m ON m.project = $1 AND m.queue = $2 AND m.seq IN (a.lo, a.hi)`;

interface StatsRow extends MessageRow {
  total: number;
  claimed: number;
}

/** TypeORM's deep-partial typing cannot see through `unknown` values; a json column takes them whole. */
function asJsonb(metadata: Metadata): QueryDeepPartialEntity<QueueEntity>['metadata'] {
  return metadata as QueryDeepPartialEntity<QueueEntity>['metadata'];
}

/**
 * Queue rows are a cold path and go through TypeORM; stats is explicit SQL. A deleted queue keeps
 * its row with null metadata (see QueueEntity), which every query here treats as absent.
 */
export class PgQueueStore implements QueueStore {
  private readonly repo: Repository<QueueEntity>;

  constructor(
    dataSource: DataSource,
    private readonly pool: Pool,
    private readonly heads: QueueHeads,
  ) {
    this.repo = dataSource.getRepository(QueueEntity);
  }

  async create(ref: QueueRef, metadata: Metadata, now: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(CREATE_SQL, [ref.project, ref.queue, JSON.stringify(metadata), now]);
    return (rowCount ?? 0) > 0;
  }

  async getMetadata(ref: QueueRef): Promise<Metadata | null> {
    const row = await this.repo.findOne({
      select: { metadata: true },
      where: { project: ref.project, name: ref.queue },
    });
    return row?.metadata ?? null;
  }

  async setMetadata(ref: QueueRef, metadata: Metadata): Promise<boolean> {
    const result = await this.repo.update(
      { project: ref.project, name: ref.queue, metadata: Not(IsNull()) },
      { metadata: asJsonb(metadata) },
    );
    return (result.affected ?? 0) > 0;
  }

  /**
   * Tombstones the queue row first: that waits for a post holding the row and makes later posts
   * wait for this commit. The deletes are a second statement, so they take a fresh snapshot after
   * that wait and miss no message. Both travel in one round trip as a multi-statement simple query,
   * which PostgreSQL runs as one transaction (rolled back whole on an error) with a snapshot per
   * statement; it takes no parameters, hence the escaped literals.
   */
  async delete(ref: QueueRef): Promise<void> {
    const [project, queue] = [escapeLiteral(ref.project), escapeLiteral(ref.queue)];
    await this.pool.query(`UPDATE queues SET metadata = NULL WHERE project = ${project} AND name = ${queue};
WITH m AS (DELETE FROM messages WHERE project = ${project} AND queue = ${queue})
DELETE FROM claims WHERE project = ${project} AND queue = ${queue};`);
  }

  async list(project: string, options: QueueListOptions): Promise<QueueListing[]> {
    if (options.limit <= 0) return [];
    const live = Not(IsNull());
    const marker = options.marker === undefined ? undefined : beforeNul(options.marker);
    const rows = await this.repo.find({
      select: { name: true, metadata: true },
      where: marker === undefined ? { project, metadata: live } : { project, name: MoreThan(marker), metadata: live },
      order: { name: 'ASC' },
      take: options.limit,
    });
    return rows.map((row) =>
      options.detailed ? { name: row.name, metadata: row.metadata ?? {} } : { name: row.name },
    );
  }

  count(project: string): Promise<number> {
    return this.repo.count({ where: { project, metadata: Not(IsNull()) } });
  }

  async stats(ref: QueueRef, now: number): Promise<QueueStats> {
    const { rows } = await this.pool.query<StatsRow>({
      name: 'zaqar-queue-stats',
      text: STATS_SQL,
      values: [ref.project, ref.queue, now, this.heads.get(ref.project, ref.queue)],
    });
    const { total, claimed } = rows[0];
    const stats: QueueStats = { claimed, free: total - claimed, total };
    const ends = rows.filter((row) => row.id !== null).sort(compareSeq);
    if (ends.length > 0) {
      stats.oldest = toMessageRecord(ends[0]);
      stats.newest = toMessageRecord(ends[ends.length - 1]);
    }
    return stats;
  }
}
