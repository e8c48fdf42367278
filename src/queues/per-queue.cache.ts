import type { QueueRef } from '../storage/storage.contract';

interface Entry<T> {
  value: T;
  until: number;
}

/** Enough for every busy queue of a node; the oldest entries go first past it. */
const MAX_ENTRIES = 10_000;

/**
 * A value per queue kept for a short time, so hot read paths do not pay a storage round trip for
 * it on every request. Writes through this process forget their queue at once (after the write,
 * so a read racing it cannot keep the old value); other processes' writes are seen within `ttlMs`.
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
    const value = await load();
    this.entries.delete(key);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, until: now + this.ttlMs });
    return value;
  }

  forget(ref: QueueRef): void {
    this.entries.delete(keyOf(ref));
  }
}

function keyOf(ref: QueueRef): string {
  return `${ref.project}\u0000${ref.queue}`;
}
