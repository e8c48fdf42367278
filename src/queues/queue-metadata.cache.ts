import { Inject, Injectable } from '@nestjs/common';
import type { Settings } from '../config/settings';
import { SETTINGS } from '../config/settings.module';
import { Metadata, QUEUE_STORE, QueueRef, QueueStore } from '../storage/storage.contract';

interface Entry {
  metadata: Metadata | null;
  until: number;
}

/** Enough for every busy queue of a node; the oldest entries go first past it. */
const MAX_ENTRIES = 10_000;

/**
 * Queue metadata for the hot paths (post, list, claim), kept for METADATA_CACHE_MS so that each
 * request does not pay a storage round trip for it. Writes through this process forget their
 * queue at once; a change made through another server process is seen here within that time.
 */
@Injectable()
export class QueueMetadataCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;

  constructor(
    @Inject(QUEUE_STORE) private readonly queues: QueueStore,
    @Inject(SETTINGS) settings: Settings,
  ) {
    this.ttlMs = settings.metadataCacheMs;
  }

  /** The queue's metadata, or null when it does not exist (as far as this moment knows). */
  async get(ref: QueueRef): Promise<Metadata | null> {
    if (this.ttlMs <= 0) return this.queues.getMetadata(ref);
    const key = keyOf(ref);
    const now = Date.now();
    const cached = this.entries.get(key);
    if (cached && cached.until > now) return cached.metadata;
    const metadata = await this.queues.getMetadata(ref);
    this.entries.delete(key);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { metadata, until: now + this.ttlMs });
    return metadata;
  }

  forget(ref: QueueRef): void {
    this.entries.delete(keyOf(ref));
  }
}

function keyOf(ref: QueueRef): string {
  return `${ref.project}\u0000${ref.queue}`;
}
