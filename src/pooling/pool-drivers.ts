import { Logger } from '@nestjs/common';
import { ServiceUnavailable } from '../common/errors';
import type { PoolRecord } from '../storage/pool-registry.contract';
import { findProvider } from '../storage/storage-providers';
import type { StorageDriver } from '../storage/storage.contract';

/** After a failed open, requests fail at once for this long before the pool is tried again. */
export const REOPEN_AFTER_MS = 1000;

/** The catalog's name for the management store, where queues live while no pool is registered. */
export const MANAGEMENT_POOL = '';

interface OpenDriver {
  driver?: StorageDriver;
  opening?: Promise<StorageDriver>;
  failedAt?: number;
}

/**
 * The storage driver behind each pool, one per URI: opened on first use, each with its own
 * connections, closed when no pool names its URI any more. A pool on the management store's URI
 * shares the management driver. A pool that cannot be opened answers 503 and is tried again
 * after REOPEN_AFTER_MS, so it recovers without a restart.
 */
export class PoolDrivers {
  private readonly logger = new Logger('Pools');
  private readonly byUri = new Map<string, OpenDriver>();
  private pools = new Map<string, PoolRecord>();
  /** URIs a pool is being registered on: kept open though no pool names them yet. */
  private readonly pinned = new Map<string, number>();

  constructor(
    readonly management: StorageDriver,
    private readonly managementUrl: string,
  ) {}

  /** The registered pools, by name, as last loaded. */
  registered(): ReadonlyMap<string, PoolRecord> {
    return this.pools;
  }

  /** Takes the registry's pools; drivers of URIs no pool names any more are closed. */
  sync(pools: PoolRecord[]): void {
    this.pools = new Map(pools.map((pool) => [pool.name, pool]));
    const inUse = new Set(pools.map((pool) => pool.uri));
    for (const uri of this.byUri.keys()) {
      if (!inUse.has(uri)) this.closeUnused(uri);
    }
  }

  /**
   * Runs `use` with the URI's driver (null when it cannot be opened), kept open meanwhile though
   * no pool names the URI yet: a registration racing another's sync must not see its store closed.
   */
  async whilePinned<T>(uri: string, use: (driver: StorageDriver | null) => Promise<T>): Promise<T> {
    this.pinned.set(uri, (this.pinned.get(uri) ?? 0) + 1);
    try {
      const driver = await Promise.resolve()
        .then(() => this.driverFor(uri))
        .catch(() => null);
      return await use(driver);
    } finally {
      const left = this.pinned.get(uri)! - 1;
      if (left) this.pinned.set(uri, left);
      else this.pinned.delete(uri);
      if (![...this.pools.values()].some((pool) => pool.uri === uri)) this.closeUnused(uri);
    }
  }

  /** The driver of a pool named in the catalog ('' is the management store). */
  driverOf(pool: string): StorageDriver | Promise<StorageDriver> {
    if (pool === MANAGEMENT_POOL) return this.management;
    const record = this.pools.get(pool);
    if (!record) throw new ServiceUnavailable(`Pool ${pool} is not registered on this server yet.`);
    return this.driverFor(record.uri, pool);
  }

  /** A driver on the URI, opened if need be (kept until a sync finds no pool naming it). */
  driverFor(uri: string, pool = uri): StorageDriver | Promise<StorageDriver> {
    if (uri === this.managementUrl) return this.management;
    let entry = this.byUri.get(uri);
    if (!entry) this.byUri.set(uri, (entry = {}));
    if (entry.driver) return entry.driver;
    if (entry.opening) return entry.opening;
    if (entry.failedAt !== undefined && Date.now() - entry.failedAt < REOPEN_AFTER_MS) {
      throw unreachable(pool);
    }
    return this.open(uri, pool, entry);
  }

  /** Every distinct driver: the management store's and each registered pool's, opened if need be. */
  async all(): Promise<StorageDriver[]> {
    const drivers = await Promise.all([...this.pools.values()].map((pool) => this.driverFor(pool.uri, pool.name)));
    return [...new Set([this.management, ...drivers])];
  }

  /** Like all(), without the pools that cannot be opened now: for jobs, which must not stop for one pool. */
  async reachable(): Promise<StorageDriver[]> {
    const opened = await Promise.allSettled(
      [...this.pools.values()].map(async (pool) => this.driverFor(pool.uri, pool.name)),
    );
    const drivers = opened.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    return [...new Set([this.management, ...drivers])];
  }

  async close(): Promise<void> {
    const entries = [...this.byUri];
    this.byUri.clear();
    await Promise.all(entries.map(([uri, entry]) => this.closeEntry(uri, entry)));
    await this.management.close();
  }

  private open(uri: string, pool: string, entry: OpenDriver): Promise<StorageDriver> {
    const provider = findProvider(uri);
    if (!provider) throw unreachable(pool);
    entry.opening = provider.open(uri).then(
      (driver) => {
        entry.driver = driver;
        entry.opening = undefined;
        entry.failedAt = undefined;
        // closed meanwhile by a sync or a shutdown: nobody will close it later
        if (this.byUri.get(uri) !== entry) void driver.close();
        return driver;
      },
      (error: unknown) => {
        entry.opening = undefined;
        entry.failedAt = Date.now();
        this.logger.warn(`pool ${pool} could not be opened: ${(error as Error)?.message ?? String(error)}`);
        throw unreachable(pool);
      },
    );
    return entry.opening;
  }

  /** Closes the URI's driver unless a registration holds it. */
  private closeUnused(uri: string): void {
    const entry = this.byUri.get(uri);
    if (!entry || this.pinned.has(uri)) return;
    this.byUri.delete(uri);
    void this.closeEntry(uri, entry);
  }

  private async closeEntry(uri: string, entry: OpenDriver): Promise<void> {
    const driver = entry.driver ?? (await entry.opening?.catch(() => undefined));
    await driver?.close().catch((error: unknown) => this.logger.warn(`closing ${uri}: ${String(error)}`));
  }
}

function unreachable(pool: string): ServiceUnavailable {
  return new ServiceUnavailable(`Pool ${pool} cannot be reached.`);
}
