import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver as TypeOrmPostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { StorageDriver, SweepResult } from '../storage.contract';
import { PgClaimStore } from './pg-claim.store';
import { PgDeliveryStore } from './pg-delivery.store';
import { withDomainErrors } from './pg-domain-errors';
import { PgMaintenance } from './pg-maintenance';
import { PgMessageStore } from './pg-message.store';
import { PgPoolRegistry } from './pg-pool-registry';
import { QueueHeads } from './pg-queue-heads';
import { PgQueueStore } from './pg-queue.store';
import { PgSubscriptionStore } from './pg-subscription.store';
import { postgresDataSourceOptions } from './postgres.schema';
import { sqlInteger } from './pg-values';

/** Rows removed per sweep statement, so a sweep never holds many locks or one long transaction. */
const SWEEP_BATCH = 1000;
/** A sweep stops after this many batches; the next sweep carries on. */
const SWEEP_MAX_BATCHES = 100;
/** Arbitrary key of the advisory lock that keeps two starting processes from migrating at once. */
const MIGRATION_LOCK_KEY = 0x7a617161; // "zaqa"

/** Sweep statements carry their values inline, to be planned for them (see postgres.schema). */
const sweepMessagesSql = (now: string) => `
DELETE FROM messages m
USING (SELECT project, queue, seq FROM messages WHERE expires <= ${now} LIMIT ${SWEEP_BATCH}) x
WHERE m.project = x.project AND m.queue = x.queue AND m.seq = x.seq AND m.expires <= ${now}`;

const sweepClaimsSql = (now: string) => `
DELETE FROM claims c
USING (SELECT project, queue, id FROM claims WHERE expires <= ${now} LIMIT ${SWEEP_BATCH}) x
WHERE c.project = x.project AND c.queue = x.queue AND c.id = x.id AND c.expires <= ${now}`;

const sweepSubscriptionsSql = (now: string) => `
DELETE FROM subscriptions s
USING (SELECT project, queue, id FROM subscriptions WHERE expires <= ${now} LIMIT ${SWEEP_BATCH}) x
WHERE s.project = x.project AND s.queue = x.queue AND s.id = x.id AND s.expires <= ${now}`;

/** Failed deliveries outlive nothing: those of a subscription that ended (deleted, expired, its queue gone) go. */
const sweepOrphanedFailuresSql = (now: string) => `
DELETE FROM failed_deliveries f
USING (SELECT f2.id FROM failed_deliveries f2
        WHERE NOT EXISTS (SELECT 1 FROM subscriptions s
                           WHERE s.project = f2.project AND s.queue = f2.queue AND s.id = f2.subscription_id
                             AND s.expires > ${now})
        LIMIT ${SWEEP_BATCH}) x
WHERE f.id = x.id`;

class PgStorageDriver implements StorageDriver {
  readonly queues: PgQueueStore;
  readonly messages: PgMessageStore;
  readonly claims: PgClaimStore;
  readonly subscriptions: PgSubscriptionStore;
  readonly deliveries: PgDeliveryStore;
  readonly registry: PgPoolRegistry;
  readonly maintenance: PgMaintenance;
  private closing: Promise<void> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly pool: Pool,
  ) {
    const heads = new QueueHeads();
    this.maintenance = new PgMaintenance(pool);
    this.queues = withDomainErrors(new PgQueueStore(dataSource, pool, heads));
    this.messages = withDomainErrors(new PgMessageStore(pool, heads, (rows) => this.maintenance.noteInserted(rows)));
    this.claims = withDomainErrors(new PgClaimStore(pool, heads));
    this.subscriptions = withDomainErrors(new PgSubscriptionStore(pool));
    this.deliveries = withDomainErrors(new PgDeliveryStore(pool));
    this.registry = withDomainErrors(new PgPoolRegistry(pool));
  }

  async sweep(now: number): Promise<SweepResult> {
    const messages = await this.deleteInBatches(sweepMessagesSql(sqlInteger(now)));
    const claims = await this.deleteInBatches(sweepClaimsSql(sqlInteger(now)));
    const subscriptions = await this.deleteInBatches(sweepSubscriptionsSql(sqlInteger(now)));
    await this.deleteInBatches(sweepOrphanedFailuresSql(sqlInteger(now)));
    await this.maintenance.vacuumIfDue();
    return { messages, claims, subscriptions };
  }

  async ping(): Promise<boolean> {
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.messages.close();
      await this.claims.idle();
      await this.queues.idle();
      await this.maintenance.idle();
      if (this.dataSource.isInitialized) await this.dataSource.destroy();
    })();
    return this.closing;
  }

  private async deleteInBatches(sql: string): Promise<number> {
    let total = 0;
    for (let i = 0; i < SWEEP_MAX_BATCHES; i++) {
      const result = await this.pool.query(sql);
      const n = result.rowCount ?? 0;
      total += n;
      if (n < SWEEP_BATCH) break;
    }
    return total;
  }
}

async function runMigrations(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await dataSource.runMigrations({ transaction: 'all' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}

/**
 * Opens a PostgreSQL storage driver on `url` (postgres://…): one connection pool shared by TypeORM
 * and the hot-path SQL, with pending migrations applied first. Usable without Nest.
 */
export async function openPostgresDriver(url: string): Promise<StorageDriver> {
  const dataSource = new DataSource(postgresDataSourceOptions(url));
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  const pool = (dataSource.driver as TypeOrmPostgresDriver).master as Pool;
  const driver = new PgStorageDriver(dataSource, pool);
  await driver.maintenance.analyzeIfNeverAnalyzed();
  return driver;
}
