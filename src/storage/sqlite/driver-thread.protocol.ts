import type { PoolRegistry } from '../pool-registry.contract';
import type { ClaimStore, DeliveryStore, MessageStore, QueueStore, SubscriptionStore } from '../storage.contract';
import { StorageFull } from '../storage-full';

/**
 * What the server thread and the SQLite thread say to each other (see sqlite-thread.driver.ts).
 * Values cross by structured clone, which keeps the contract's plain objects, arrays and JSON
 * bodies as they are.
 */

/** The methods each store forwards; typed so that a method added to the contract must be listed. */
export const FORWARDED = {
  queues: { create: true, getMetadata: true, setMetadata: true, delete: true, list: true, count: true, stats: true },
  messages: {
    post: true,
    list: true,
    get: true,
    getMany: true,
    delete: true,
    deleteMany: true,
    pop: true,
    purge: true,
  },
  claims: { create: true, get: true, renew: true, release: true },
  subscriptions: { create: true, list: true, get: true, update: true, confirm: true, delete: true, purge: true },
  deliveries: {
    enqueueConfirmation: true,
    lease: true,
    complete: true,
    retry: true,
    fail: true,
    listFailed: true,
    redrive: true,
    failedCount: true,
  },
  registry: {
    listPools: true,
    allPools: true,
    getPool: true,
    putPool: true,
    updatePool: true,
    deletePool: true,
    setFlavorPools: true,
    listFlavors: true,
    flavorExists: true,
    putFlavor: true,
    deleteFlavor: true,
    lookup: true,
    place: true,
    relocate: true,
    poolsOf: true,
    queuesOf: true,
    version: true,
  },
} satisfies {
  queues: Record<keyof QueueStore, true>;
  messages: Record<keyof MessageStore, true>;
  claims: Record<keyof ClaimStore, true>;
  subscriptions: Record<keyof SubscriptionStore, true>;
  deliveries: Record<keyof DeliveryStore, true>;
  registry: Record<keyof PoolRegistry, true>;
};

export type Store = keyof typeof FORWARDED;
/** A store, or the driver itself (sweep, ping, close: which StorageDriver's type already demands). */
export type Target = Store | 'driver';

export interface Call {
  id: number;
  target: Target;
  method: string;
  args: unknown[];
}

/** An error as it crosses: structured clone would keep the message but drop `code` and the name. */
export interface ErrorShape {
  name: string;
  message: string;
  code?: unknown;
}

/** The thread answers in arrays of these (see BatchedSender). */
export type Reply = { id: number; value: unknown } | { id: number; error: ErrorShape };

/** The thread's first message: the database is open, or why it could not be. */
export type Opened = { opened: true } | { opened: false; error: ErrorShape };

export function errorShape(error: unknown): ErrorShape {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return code === undefined
      ? { name: error.name, message: error.message }
      : { name: error.name, message: error.message, code };
  }
  return { name: 'Error', message: String(error) };
}

export function errorFromShape(shape: ErrorShape): Error {
  // SQLite says SQLITE_FULL when a write meets a full disk (ENOSPC)
  if (shape.code === 'SQLITE_FULL') return new StorageFull(shape.message);
  const error = new Error(shape.message);
  error.name = shape.name;
  if (shape.code !== undefined) (error as Error & { code?: unknown }).code = shape.code;
  return error;
}
