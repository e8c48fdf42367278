import type { QueueRef } from '../storage/storage.contract';

interface Entry<T> {
  /** The value, or the load under way that every caller shares until it settles. */
  value: Promise<T>;
  /** Until when the value serves; Infinity while it loads. */
  until: number;
}

/** Enough for every busy queue of a node; the oldest entries go first past it. */
const MAX_ENTRIES = 10_000;

/**
 * A value per queue kept for a short time, so hot read paths do not pay a storage round trip for
 * it on every request. Writes through this process forget their queue at once (after the write);
 * other processes' writes are seen within `ttlMs`.
 *
 * Callers that miss together share one load. Without that, every request in flight when a value
 * ran out loaded it again: with 32 connections polling stats on PostgreSQL, 32 stats queries each
 * half second, and a p99 of 21 ms where one query takes 2 ms.
 */
export class PerQueueCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(private readonly ttlMs: number) {}

  async get(ref: QueueRef, load: () => Promise<T>): Promise<T> {
    if (this.ttlMs <= 0) return load();
    const key = keyOf(ref);
    const now = Date.now();
    const cached = this.entries.get(key);
    if (cached && cached.until > now) return cached.value;
    const entry: Entry<T> = { value: load(), until: Infinity };
    this.entries.delete(key);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, entry);
    try {
      const value = await entry.value;
      entry.until = now + this.ttlMs;
      return value;
    } catch (error) {
      // Only this load's own entry: a write may have forgotten it, and a new load taken its place.
      if (this.entries.get(key) === entry) this.entries.delete(key);
      throw error;
    }
  }

  /**
   * Drops the queue's value, and a load under way with it: it may have read the queue before the
   * write, so callers from now on start a load of their own.
   */
  forget(ref: QueueRef): void {
    this.entries.delete(keyOf(ref));
  }
}

function keyOf(ref: QueueRef): string {
  return `${ref.project}\u0000${ref.queue}`;
}
