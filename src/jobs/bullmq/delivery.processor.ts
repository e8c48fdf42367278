import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DeliveryJob, DeliveryRun } from '../delivery.job';
import { DeliveryTrigger } from '../delivery.trigger';
import { logRedisErrors } from '../redis-error-log';
import { NOTIFICATIONS_QUEUE } from './notifications.queue';

/**
 * Runs the delivery job for each job of the notifications queue. A few at once, so the scheduled
 * job goes on while a woken one waits for a slow subscriber; the lease keeps them apart.
 */
@Processor(NOTIFICATIONS_QUEUE, { concurrency: 4 })
export class DeliveryProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(DeliveryProcessor.name);

  constructor(
    private readonly job: DeliveryJob,
    private readonly trigger: DeliveryTrigger,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    logRedisErrors(this.worker, this.logger, 'delivery worker');
  }

  /** The run's result is the job's return value. */
  async process(): Promise<DeliveryRun> {
    const run = await this.job.run();
    if (run.moreDue) this.trigger.wake();
    return run;
  }

  // the deliveries stay in the outbox; the next scheduled job tries them
  @OnWorkerEvent('failed')
  onFailed(_job: unknown, error: Error): void {
    this.logger.warn(`delivering notifications failed: ${error}`);
  }
}
