import { Inject, Injectable } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { queueRef } from '../common/queue-space';
import { QueueReadCache } from '../queues/queue-read.cache';
import { QUEUE_STORE, QueueStore, QueueStats } from '../storage/storage.contract';
import { ActiveQueue, ActiveQueues } from './active-queues';

const LABELS = ['space', 'project', 'queue'] as const;
type Label = (typeof LABELS)[number];

/**
 * Depth, claimed messages and the oldest message's age of the queues active through this process
 * (ActiveQueues), read at scrape time through the same short-lived cache as the stats API: a scrape
 * costs a read per tracked queue (two for an empty one), and requests nothing. Between server processes
 * the largest value wins: processes that track the same queue read the same store.
 */
@Injectable()
export class QueueGauges {
  private readonly messages: Gauge<Label>;
  private readonly claimed: Gauge<Label>;
  private readonly oldestAge: Gauge<Label>;
  /** The read under way: the registry collects the three gauges together, and they share it. */
  private reading?: Promise<void>;

  constructor(
    registry: Registry,
    private readonly active: ActiveQueues,
    private readonly cache: QueueReadCache,
    @Inject(QUEUE_STORE) private readonly queues: QueueStore,
  ) {
    const gauge = (name: string, help: string) =>
      new Gauge({
        name,
        help,
        labelNames: LABELS,
        registers: [registry],
        aggregator: 'max',
        collect: () => this.read(),
      });
    this.messages = gauge('zaqar_queue_messages', 'Live messages in the queue, claimed or not.');
    this.claimed = gauge('zaqar_queue_messages_claimed', 'Messages of the queue held by a valid claim.');
    this.oldestAge = gauge(
      'zaqar_queue_oldest_message_age_seconds',
      'Age of the oldest live message of the queue; 0 when it has none.',
    );
  }

  private read(): Promise<void> {
    this.reading ??= this.readAll().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async readAll(): Promise<void> {
    const now = Date.now();
    const queues = this.active.list();
    const stats = await Promise.all(queues.map((queue) => this.statsOf(queue, now)));
    for (const gauge of [this.messages, this.claimed, this.oldestAge]) gauge.reset();
    queues.forEach((queue, i) => {
      const read = stats[i];
      if (read === 'gone') this.active.forget(queue, queue.queue);
      if (typeof read !== 'object') return;
      const labels = { space: queue.space.collection, project: queue.project, queue: queue.queue };
      this.messages.set(labels, read.total);
      this.claimed.set(labels, read.claimed);
      this.oldestAge.set(labels, read.oldest ? Math.max(0, (now - read.oldest.created) / 1000) : 0);
    });
  }

  /**
   * The queue's stats; 'gone' once it was deleted (through another process: this one forgets at
   * the delete), 'unread' when the store failed to answer (the queue sits this scrape out). Only
   * an empty queue may be gone; the store is asked, as the metadata cache may still hold the
   * "no such queue" it read before the first post created it.
   */
  private async statsOf(queue: ActiveQueue, now: number): Promise<QueueStats | 'gone' | 'unread'> {
    const ref = queueRef(queue, queue.queue);
    try {
      const stats = await this.cache.statsOf(ref, now);
      if (stats.total === 0 && (await this.queues.getMetadata(ref)) === null) return 'gone';
      return stats;
    } catch {
      return 'unread';
    }
  }
}
