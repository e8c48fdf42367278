import type { DataSourceOptions } from 'typeorm';
import { ClaimEntity } from './entities/claim.entity';
import { MessageEntity } from './entities/message.entity';
import { QueueEntity } from './entities/queue.entity';
import { SubscriptionEntity } from './entities/subscription.entity';
import { InitialSchema1763800000000 } from './migrations/1763800000000-InitialSchema';
import { QueueMetadataJson1763900000000 } from './migrations/1763900000000-QueueMetadataJson';
import { DeleteQueuesFunction1764000000000 } from './migrations/1764000000000-DeleteQueuesFunction';
import { DeleteQueueRows1765000000000 } from './migrations/1765000000000-DeleteQueueRows';
import { KeepTableTails1766000000000 } from './migrations/1766000000000-KeepTableTails';
import { Subscriptions1767000000000 } from './migrations/1767000000000-Subscriptions';
import { Deliveries1768000000000 } from './migrations/1768000000000-Deliveries';
import { DeliveryKind1769000000000 } from './migrations/1769000000000-DeliveryKind';
import { PoolRegistry1770000000000 } from './migrations/1770000000000-PoolRegistry';
import { OptionsJson1771000000000 } from './migrations/1771000000000-OptionsJson';
import { SubscriptionTtlBigint1772000000000 } from './migrations/1772000000000-SubscriptionTtlBigint';

/** The one list of entities and migrations, shared by the driver and the TypeORM CLI (ormconfig.ts). */
export const postgresEntities = [QueueEntity, MessageEntity, ClaimEntity, SubscriptionEntity];
export const postgresMigrations = [
  InitialSchema1763800000000,
  QueueMetadataJson1763900000000,
  DeleteQueuesFunction1764000000000,
  DeleteQueueRows1765000000000,
  KeepTableTails1766000000000,
  Subscriptions1767000000000,
  Deliveries1768000000000,
  DeliveryKind1769000000000,
  PoolRegistry1770000000000,
  OptionsJson1771000000000,
  SubscriptionTtlBigint1772000000000,
];

/** Connections per driver; the hot paths and TypeORM share this one pool. */
export const POSTGRES_POOL_SIZE = 10;

/**
 * Session settings of every pooled connection.
 *
 * Hot statements are named (prepared once per connection) and always run on their generic plan:
 * with the migration's n_distinct hint those plans suit queues of every size, and PostgreSQL's own
 * choice kept re-planning several of them on every call (measured: a list of 10 cost 395 µs of
 * server CPU instead of 105). Statements that read many rows (stats, sweep) carry their values
 * inline instead and are planned for them: a generic plan for the stats count once walked the
 * `expires` index, every live message of every queue, at 600 ms a request.
 *
 * Sequential and bitmap scans are off, so the hot statements always walk the primary key in
 * queue order and stop at their LIMIT. Every statement here has a plain index path, and the planner
 * judged those badly once the table had churned: it prices an index walk by the index's size on
 * disk, which only VACUUM FULL or REINDEX shrink, so after a burst of messages was consumed it
 * chose to read the whole table (sequentially, or by a bitmap of the `expires` index) and sort
 * it. Measured on a churned database: a list of 10 read 66 pages instead of 6, took 0.7 ms instead
 * of 0.05, and served 900 requests/s instead of 2,900. The plans compiled while a table is small
 * also outlive its growth until the next ANALYZE, so a plan that reads the whole queue is never
 * safe.
 *
 * JIT compilation is off: the n_distinct hint and a churned table's large indexes make per-queue
 * statements look as costly as the whole table, past JIT's threshold, and compiling took 9-26 ms
 * for statements that run in 0.1-2 (stats, after the benchmark: p99 22-25 ms with JIT).
 */
export const POSTGRES_SESSION_OPTIONS =
  '-c plan_cache_mode=force_generic_plan -c enable_seqscan=off -c enable_bitmapscan=off -c jit=off';

/**
 * The URL with our session options added to any it carries (pg lets a URL's `options` override the
 * pool's, so they travel in the URL).
 */
export function withSessionOptions(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url; // not a URL pg would read either; let it report the problem
  }
  const theirs = parsed.searchParams.get('options');
  parsed.searchParams.set('options', theirs ? `${theirs} ${POSTGRES_SESSION_OPTIONS}` : POSTGRES_SESSION_OPTIONS);
  return parsed.toString();
}

export function postgresDataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url: withSessionOptions(url),
    entities: postgresEntities,
    migrations: postgresMigrations,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    poolSize: POSTGRES_POOL_SIZE,
    connectTimeoutMS: 10_000,
    applicationName: 'zaqar-ts',
  };
}
