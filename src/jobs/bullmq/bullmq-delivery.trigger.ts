import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { DELIVERY_MIN_GAP_MS, DELIVERY_POLL_MS, DeliveryTrigger } from '../delivery.trigger';
import { logRedisErrors } from '../redis-error-log';
import { WakeGate } from '../wake-gate';
import { keepJobScheduler } from './job-scheduler';
import { DELIVER_JOB, DELIVERY_SCHEDULER, NOTIFICATIONS_QUEUE } from './notifications.queue';

/** Finished jobs kept for inspection; the outbox in storage, not Redis, is what must not be lost. */
const KEEP = { removeOnComplete: 100, removeOnFail: 100 } satisfies JobsOptions;

/**
 * With Redis, a wake adds a deliver job. Across the cluster there is at most one such job waiting
 * and one running (BullMQ deduplication, keepLastIfActive): a wake during a run makes one more job
 * after it, as the in-process runner does. A job scheduler adds one every DELIVERY_POLL_MS too,
 * for retries and deliveries posted through processes that are gone.
 */
@Injectable()
export class BullmqDeliveryTrigger extends DeliveryTrigger implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(BullmqDeliveryTrigger.name);
  // One add in flight per process, at most every DELIVERY_MIN_GAP_MS: a burst of posts costs Redis one call.
  private readonly gate = new WakeGate(() => this.addJob(), DELIVERY_MIN_GAP_MS);

  constructor(@InjectQueue(NOTIFICATIONS_QUEUE) private readonly queue: Queue) {
    super();
  }

  onApplicationBootstrap(): void {
    logRedisErrors(this.queue, this.logger, 'notifications queue', this.queue.client);
    keepJobScheduler(
      this.queue,
      this.logger,
      DELIVERY_SCHEDULER,
      { every: DELIVERY_POLL_MS },
      { name: DELIVER_JOB, opts: KEEP },
    );
    this.wake();
  }

  // Before the queue's own shutdown hook closes its connection, so that no add starts after it. The
  // add in flight is not awaited: while Redis is down it waits until that close ends it (the outbox
  // keeps what it was for), and waiting here would hold the shutdown for good.
  onModuleDestroy(): void {
    void this.gate.close();
  }

  wake(): void {
    this.gate.wake();
  }

  private async addJob(): Promise<void> {
    try {
      await this.queue.add(DELIVER_JOB, {}, { ...KEEP, deduplication: { id: DELIVER_JOB, keepLastIfActive: true } });
    } catch (error) {
      this.logger.warn(`queueing notification delivery failed: ${error}`);
    }
  }
}
