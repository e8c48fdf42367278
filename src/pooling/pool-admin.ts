import type { PoolRegistry } from '../storage/pool-registry.contract';
import type { QueueRef } from '../storage/storage.contract';

/** Why a pool was not deleted: it still holds these queues (a first few of them). */
export interface PoolInUse {
  holding: QueueRef[];
}

/**
 * What the pools and flavors API needs from the pooling layer beyond the registry itself: the
 * providers behind pool URIs, and the checks that only the layer that opens them can make.
 */
export interface PoolAdmin {
  readonly registry: PoolRegistry;
  /**
   * Runs `write` (a registry write that names the URI) once a provider serves the URI and its store
   * answers (opened, migrated, if need be), then applies the registry; 'unreachable' otherwise.
   */
  writeWithStore<T>(uri: string, write: () => Promise<T>): Promise<T | 'unreachable'>;
  /** Zaqar's capability list of the provider that serves the URI. */
  capabilities(uri: string): string[];
  /**
   * Deletes the pool unless one of the queues mapped to it still exists there. Throws
   * ServiceUnavailable when the pool cannot be reached to tell.
   */
  deletePool(name: string): Promise<'deleted' | PoolInUse>;
  /** The registry was written: this process applies it at once (the others within the poll interval). */
  reload(): Promise<void>;
}

export const POOL_ADMIN = Symbol('PoolAdmin');
