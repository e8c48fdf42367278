import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Settings } from '../../config/settings';
import { SETTINGS } from '../../config/settings.module';
import { MAINTENANCE_QUEUE, SWEEP_JOB } from './maintenance.queue';

/**
 * Registers the sweep as a repeatable job. Every process upserts the same scheduler id, so a
 * cluster sweeps once per interval, on whichever worker takes the job.
 */
@Injectable()
export class SweepScheduler implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(MAINTENANCE_QUEUE) private readonly queue: Queue,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      SWEEP_JOB,
      { every: this.settings.sweepIntervalMs },
      { name: SWEEP_JOB, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    );
  }
}
