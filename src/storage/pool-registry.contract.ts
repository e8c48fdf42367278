import type { Metadata, QueueRef } from './storage.contract';

/**
 * What pooling keeps in the management store (STORAGE_URL): the pools, the flavors and the
 * catalog that maps each (project, queue) to the pool that holds it. Every provider that can be a
 * management store implements it; the pooling layer (src/pooling) reads and caches it.
 *
 * Pool names are global; flavors belong to a project, but a pool carries one flavor name shared by
 * every project's flavor of that name, as in Zaqar. The catalog's pool '' is the management store
 * itself (queues made while no pool was registered, or before pooling was turned on).
 */

export interface PoolRecord {
  name: string;
  uri: string;
  /** 0..2^32-1; a pool of weight 0 takes no new queues. */
  weight: number;
  /** The flavor name the pool serves, null (or '' after a PATCH that cleared it) for none. */
  flavor: string | null;
  options: Metadata;
}

/** The fields a PATCH sets; absent fields stay as they were. */
export interface PoolChanges {
  uri?: string;
  weight?: number;
  flavor?: string;
  options?: Metadata;
}

export interface RegistryPage {
  /** Names strictly greater than the marker, ascending. */
  marker?: string;
  limit: number;
}

export interface PoolRegistry {
  listPools(page: RegistryPage): Promise<PoolRecord[]>;
  /** Every pool, by name. */
  allPools(): Promise<PoolRecord[]>;
  getPool(name: string): Promise<PoolRecord | null>;
  /** Creates the pool or replaces all its fields; 'uri-taken' when another pool has that uri (nothing changes). */
  putPool(pool: PoolRecord): Promise<'created' | 'replaced' | 'uri-taken'>;
  updatePool(name: string, changes: PoolChanges): Promise<'updated' | 'missing' | 'uri-taken'>;
  /** Removes the pool and its catalog entries; a missing pool is not an error. */
  deletePool(name: string): Promise<void>;
  /** Gives the named pools this flavor and clears it from the other pools that had it. */
  setFlavorPools(flavor: string, pools: string[]): Promise<void>;

  listFlavors(project: string, page: RegistryPage): Promise<string[]>;
  flavorExists(project: string, name: string): Promise<boolean>;
  /** Creates the flavor; an existing one is left as it is. */
  putFlavor(project: string, name: string): Promise<void>;
  /** Removes the flavor and clears its name from the pools that had it; a missing flavor is not an error. */
  deleteFlavor(project: string, name: string): Promise<void>;

  /** The pool the queue is mapped to, or null. */
  lookup(ref: QueueRef): Promise<string | null>;
  /** Maps the queue to `pool` unless it is mapped already (atomic across processes); returns its pool now. */
  place(ref: QueueRef, pool: string): Promise<string>;
  /** Maps the queue to `pool`, replacing any mapping. */
  relocate(ref: QueueRef, pool: string): Promise<void>;
  /** The pools the project's queues are mapped to. */
  poolsOf(project: string): Promise<string[]>;
  /** Queues mapped to the pool, ordered by (project, queue), strictly after `after`. */
  queuesOf(pool: string, after: QueueRef | undefined, limit: number): Promise<QueueRef[]>;

  /**
   * A number that changes with every write above except `place` (a new mapping invalidates no
   * cache), in the same transaction: processes poll it to know when to reload what they cached.
   */
  version(): Promise<number>;
}
