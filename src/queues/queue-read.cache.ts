import { Inject, Injectable } from '@nestjs/common';
import type { Settings } from '../config/settings';
import { SETTINGS } from '../config/settings.module';
import { Metadata, QUEUE_STORE, QueueRef, QueueStore, QueueStats } from '../storage/storage.contract';
import { PerQueueCache } from './per-queue.cache';

/**
 * What the hot paths read about a queue besides its messages: its metadata (post, list and claim
 * read it on every request) and its stats (dashboards poll them). Each is reused for a moment
 * (METADATA_CACHE_MS, STATS_CACHE_MS); every write through this process forgets its queue.
 */
@Injectable()
export class QueueReadCache {
  private readonly metadata: PerQueueCache<Metadata | null>;
  private readonly stats: PerQueueCache<QueueStats>;

  constructor(
    @Inject(QUEUE_STORE) private readonly queues: QueueStore,
    @Inject(SETTINGS) settings: Settings,
  ) {
    this.metadata = new PerQueueCache(settings.metadataCacheMs);
    this.stats = new PerQueueCache(settings.statsCacheMs);
  }

  /** The queue's metadata, or null when it does not exist (as far as this moment knows). */
  get(ref: QueueRef): Promise<Metadata | null> {
    return this.metadata.get(ref, () => this.queues.getMetadata(ref));
  }

  /**
   * Counts of live messages, like SQS's approximate counts: exact for writes through this
   * process, and `STATS_CACHE_MS` behind others'. Ages are computed by the caller from `now`.
   */
  statsOf(ref: QueueRef, now: number): Promise<QueueStats> {
    return this.stats.get(ref, () => this.queues.stats(ref, now));
  }

  /** Messages or claims of the queue changed through this process. */
  messagesChanged(ref: QueueRef): void {
    this.stats.forget(ref);
  }

  /** The queue itself (its metadata, or its existence) changed through this process. */
  forget(ref: QueueRef): void {
    this.metadata.forget(ref);
    this.stats.forget(ref);
  }
}
