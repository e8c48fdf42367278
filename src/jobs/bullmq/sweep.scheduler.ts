import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Settings } from '../../config/settings';
import { SETTINGS } from '../../config/settings.module';
import { logRedisErrors } from '../redis-error-log';
import { keepJobScheduler } from './job-scheduler';
import { MAINTENANCE_QUEUE, SWEEP_JOB } from './maintenance.queue';

/**
 * Registers the sweep as a repeatable job. Every process upserts the same scheduler id, so a
 * cluster sweeps once per interval, on whichever worker takes the job; it is upserted again whenever
 * Redis comes back (keepJobScheduler).
 */
@Injectable()
export class SweepScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(SweepScheduler.name);

  constructor(
    @InjectQueue(MAINTENANCE_QUEUE) private readonly queue: Queue,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  onApplicationBootstrap(): void {
    logRedisErrors(this.queue, this.logger, 'maintenance queue', this.queue.client);
    keepJobScheduler(
      this.queue,
      this.logger,
      SWEEP_JOB,
      { every: this.settings.sweepIntervalMs },
      { name: SWEEP_JOB, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    );
  }
}
