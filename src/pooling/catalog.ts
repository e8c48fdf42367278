import { Conflict, InvalidApiRequest, ServiceUnavailable } from '../common/errors';
import type { PoolRecord, PoolRegistry } from '../storage/pool-registry.contract';
import type { QueueRef, StorageDriver } from '../storage/storage.contract';
import { MANAGEMENT_POOL, PoolDrivers } from './pool-drivers';
import { weightedChoice } from './weighted-choice';

/** Beyond this many cached mappings the cache starts over (each costs one registry read to refill). */
const MAX_CACHED = 100_000;

const keyOf = (ref: QueueRef) => `${ref.project}\u0000${ref.queue}`;

/**
 * Which pool holds each queue. A queue is placed once, when it is first created, and keeps its
 * pool: deleting the queue keeps the mapping, so a queue created again under the name lands where
 * any stale cache would send it. Mappings change only when a pool is deleted (its queues must be
 * gone) or when a queue created again asks for a flavor its old pool does not serve; both bump the
 * registry version, which every process polls (see PoolingDriver), clearing its cache.
 *
 * "Not mapped" answers are cached too, for reads only, until the next poll: a write that may
 * create the queue always asks the registry.
 */
export class Catalog {
  private readonly mapped = new Map<string, string>();
  private unmapped = new Set<string>();

  constructor(
    private readonly registry: PoolRegistry,
    private readonly drivers: PoolDrivers,
  ) {}

  /** The driver that serves the queue for reads and for writes that never create it. */
  async route(ref: QueueRef): Promise<StorageDriver> {
    return this.driverOf(await this.poolOf(ref));
  }

  /** The driver for a write that creates the queue if it is missing: places the queue if need be. */
  async routeCreating(ref: QueueRef): Promise<StorageDriver> {
    const key = keyOf(ref);
    const pool = this.mapped.get(key) ?? (await this.lookup(ref, key)) ?? (await this.place(ref, undefined));
    return this.driverOf(pool);
  }

  /**
   * The driver for an explicit create asking for `flavor`: a queue not yet placed goes to one of
   * the flavor's pools; one placed on a pool outside the flavor moves there if it does not exist
   * any more (it has nothing to lose), and stays where it is otherwise.
   */
  async routeCreate(ref: QueueRef, flavor: string): Promise<StorageDriver> {
    await this.requireFlavor(ref.project, flavor);
    const pool = await this.lookup(ref, keyOf(ref));
    if (pool === null) return this.driverOf(await this.place(ref, flavor));
    const driver = await this.driverOf(pool);
    if (this.serves(pool, flavor) || (await driver.queues.getMetadata(ref)) !== null) return driver;
    const target = this.choose(await this.registry.allPools(), flavor);
    await this.registry.relocate(ref, target);
    this.remember(keyOf(ref), target);
    return this.driverOf(target);
  }

  /** A metadata update that changes `_flavor`: allowed only when the queue's pool serves the new flavor. */
  async checkFlavorChange(ref: QueueRef, flavor: string): Promise<void> {
    await this.requireFlavor(ref.project, flavor);
    const pool = await this.poolOf(ref);
    if (this.serves(pool, flavor)) return;
    throw new Conflict(
      `Queue ${ref.queue} is on pool ${pool || '(the management store)'}, which flavor ${flavor} does not ` +
        'include; a queue does not move between pools. Delete it and create it again with the new flavor.',
    );
  }

  /**
   * Places the dead letter queue on the queue's pool unless it is placed already, and refuses one
   * placed elsewhere: a claim moves messages to it inside one store.
   */
  async keepDeadLetterBeside(ref: QueueRef, deadLetterQueue: string): Promise<void> {
    const pool = await this.poolOf(ref);
    const deadLetter = { project: ref.project, queue: deadLetterQueue };
    const key = keyOf(deadLetter);
    const placed =
      this.mapped.get(key) ?? (await this.lookup(deadLetter, key)) ?? (await this.registry.place(deadLetter, pool));
    this.remember(key, placed);
    if (placed === pool) return;
    throw new Conflict(
      `The dead letter queue ${deadLetterQueue} is on pool ${placed || '(the management store)'} and ` +
        `queue ${ref.queue} on pool ${pool || '(the management store)'}: messages move only within one pool.`,
    );
  }

  /** The drivers that may hold the project's queues: its pools' and the management store's. */
  async driversOf(project: string): Promise<StorageDriver[]> {
    const pools = await this.registry.poolsOf(project);
    const drivers = await Promise.all(pools.map((pool) => this.driverOf(pool)));
    return [...new Set([this.drivers.management, ...drivers])];
  }

  async poolOf(ref: QueueRef): Promise<string> {
    const key = keyOf(ref);
    const cached = this.mapped.get(key);
    if (cached !== undefined) return cached;
    if (this.unmapped.has(key)) return MANAGEMENT_POOL;
    const pool = await this.lookup(ref, key);
    if (pool === null) this.unmapped.add(key);
    return pool ?? MANAGEMENT_POOL;
  }

  /** The registry changed (or may have): forget everything. */
  clear(): void {
    this.mapped.clear();
    this.unmapped = new Set();
  }

  /** A poll found no change: only "not mapped" answers may be out of date. */
  forgetUnmapped(): void {
    this.unmapped = new Set();
  }

  private async lookup(ref: QueueRef, key: string): Promise<string | null> {
    const pool = await this.registry.lookup(ref);
    if (pool !== null) this.remember(key, pool);
    return pool;
  }

  private async place(ref: QueueRef, flavor: string | undefined): Promise<string> {
    const choice = await this.placement(ref, flavor);
    const pool = await this.registry.place(ref, choice);
    this.remember(keyOf(ref), pool);
    return pool;
  }

  private async placement(ref: QueueRef, flavor: string | undefined): Promise<string> {
    // A queue made before pooling was turned on lives in the management store: it stays there.
    if ((await this.drivers.management.queues.getMetadata(ref)) !== null) return MANAGEMENT_POOL;
    const pools = await this.registry.allPools();
    this.drivers.sync(pools); // fresher than the last poll: the chosen pool must be known here
    if (!pools.length && flavor === undefined) return MANAGEMENT_POOL;
    return this.choose(pools, flavor);
  }

  private choose(pools: PoolRecord[], flavor: string | undefined): string {
    const candidates = flavor === undefined ? pools : pools.filter((pool) => pool.flavor === flavor);
    const chosen = weightedChoice(candidates);
    if (chosen) return chosen.name;
    throw new ServiceUnavailable(
      flavor === undefined
        ? 'No pool takes new queues: every pool has weight 0.'
        : `Flavor ${flavor} has no pool that takes new queues.`,
    );
  }

  /** A pool this process has not loaded yet was registered by another: load the registry's pools first. */
  private async driverOf(pool: string): Promise<StorageDriver> {
    if (pool !== MANAGEMENT_POOL && !this.drivers.registered().has(pool)) {
      this.drivers.sync(await this.registry.allPools());
    }
    return this.drivers.driverOf(pool);
  }

  private serves(pool: string, flavor: string): boolean {
    return this.drivers.registered().get(pool)?.flavor === flavor;
  }

  private async requireFlavor(project: string, flavor: string): Promise<void> {
    if (!(await this.registry.flavorExists(project, flavor))) {
      throw new InvalidApiRequest(`Flavor ${flavor} does not exist`);
    }
  }

  private remember(key: string, pool: string): void {
    if (this.mapped.size >= MAX_CACHED) this.mapped.clear();
    this.mapped.set(key, pool);
    this.unmapped.delete(key);
  }
}
