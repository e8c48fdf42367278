import { Logger } from '@nestjs/common';
import type { PoolRegistry } from '../storage/pool-registry.contract';
import { findProvider } from '../storage/storage-providers';
import type { QueueRef, StorageDriver, SweepResult } from '../storage/storage.contract';
import { Catalog } from './catalog';
import type { PoolAdmin, PoolInUse } from './pool-admin';
import { PoolDrivers } from './pool-drivers';
import { PooledDeliveries } from './pooled-deliveries';
import { PooledClaims, PooledMessages, PooledQueues, PooledSubscriptions } from './pooled-stores';

/**
 * How often each process asks the registry whether pools, flavors or mappings changed: the bound
 * on how long another process may act on what it cached before a change.
 */
export const REGISTRY_POLL_MS = 1000;

/** How many of a pool's remaining queues a refused delete names. */
const HOLDERS_NAMED = 5;

/**
 * Pooling as a storage provider of its own: the management store (STORAGE_URL) keeps the
 * registry, and every queue's calls go to the driver of its pool. Feature modules, transports
 * and jobs see one StorageDriver, as without pooling.
 */
export class PoolingDriver implements StorageDriver, PoolAdmin {
  readonly queues: PooledQueues;
  readonly messages: PooledMessages;
  readonly claims: PooledClaims;
  readonly subscriptions: PooledSubscriptions;
  readonly deliveries: PooledDeliveries;
  readonly registry: PoolRegistry;
  private readonly logger = new Logger('Pools');
  private readonly catalog: Catalog;
  private version: number | null = null;
  private readonly poller: NodeJS.Timeout;
  private polling: Promise<void> | null = null;

  constructor(private readonly drivers: PoolDrivers) {
    this.registry = drivers.management.registry;
    this.catalog = new Catalog(this.registry, drivers);
    this.queues = new PooledQueues(this.catalog);
    this.messages = new PooledMessages(this.catalog);
    this.claims = new PooledClaims(this.catalog);
    this.subscriptions = new PooledSubscriptions(this.catalog);
    this.deliveries = new PooledDeliveries(this.catalog, drivers);
    this.poller = setInterval(() => void this.poll(), REGISTRY_POLL_MS).unref();
  }

  /** Sweeps every pool it can reach; an unreachable one is swept when it is back. */
  async sweep(now: number): Promise<SweepResult> {
    const total: SweepResult = { messages: 0, claims: 0, subscriptions: 0 };
    for (const driver of await this.drivers.reachable()) {
      const swept = await driver.sweep(now).catch((error: unknown) => {
        this.logger.warn(`sweep of a pool failed: ${String(error)}`);
        return null;
      });
      if (!swept) continue;
      total.messages += swept.messages;
      total.claims += swept.claims;
      total.subscriptions += swept.subscriptions;
    }
    return total;
  }

  /** The management store answers; each pool's own state shows in its queues' answers. */
  ping(): Promise<boolean> {
    return this.drivers.management.ping();
  }

  async close(): Promise<void> {
    clearInterval(this.poller);
    await this.polling;
    await this.drivers.close();
  }

  async writeWithStore<T>(uri: string, write: () => Promise<T>): Promise<T | 'unreachable'> {
    if (!findProvider(uri)) return 'unreachable';
    return this.drivers.whilePinned(uri, async (driver) => {
      if (!driver || !(await driver.ping().catch(() => false))) return 'unreachable';
      const written = await write();
      await this.reload();
      return written;
    });
  }

  capabilities(uri: string): string[] {
    return findProvider(uri)?.capabilities ?? [];
  }

  async deletePool(name: string): Promise<'deleted' | PoolInUse> {
    const pool = await this.registry.getPool(name);
    if (!pool) return 'deleted';
    const holding = await this.queuesStillIn(name, await this.drivers.driverFor(pool.uri, name));
    if (holding.length) return { holding };
    await this.registry.deletePool(name);
    await this.reload();
    return 'deleted';
  }

  /** Reads the registry now: pools, flavors and mappings as they are. */
  async reload(): Promise<void> {
    const version = await this.registry.version();
    this.drivers.sync(await this.registry.allPools());
    this.catalog.clear();
    this.version = version;
  }

  /** Starts by loading the registry, so the first requests already know the pools. */
  async start(): Promise<this> {
    await this.reload();
    return this;
  }

  private poll(): Promise<void> {
    this.polling ??= (async () => {
      try {
        const version = await this.registry.version();
        if (version !== this.version) await this.reload();
        else this.catalog.forgetUnmapped();
      } catch (error) {
        this.logger.warn(`the pool registry could not be read: ${String(error)}`);
      } finally {
        this.polling = null;
      }
    })();
    return this.polling;
  }

  /** The first few queues mapped to the pool that still exist there (a deleted queue keeps its mapping). */
  private async queuesStillIn(pool: string, driver: StorageDriver): Promise<QueueRef[]> {
    const holding: QueueRef[] = [];
    let after: QueueRef | undefined;
    for (;;) {
      const mapped = await this.registry.queuesOf(pool, after, 500);
      if (!mapped.length) return holding;
      for (const ref of mapped) {
        if ((await driver.queues.getMetadata(ref)) === null) continue;
        holding.push(ref);
        if (holding.length === HOLDERS_NAMED) return holding;
      }
      after = mapped[mapped.length - 1];
    }
  }
}

/** Opens the management store on `url` and the pooling layer over it. */
export async function openPoolingDriver(
  url: string,
  open: (url: string) => Promise<StorageDriver>,
): Promise<PoolingDriver> {
  const driver = new PoolingDriver(new PoolDrivers(await open(url), url));
  try {
    return await driver.start();
  } catch (error) {
    await driver.close();
    throw error;
  }
}
