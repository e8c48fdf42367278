import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { logRedisErrors } from '../redis-error-log';
import { SweepJob } from '../sweep.job';
import { MAINTENANCE_QUEUE, SWEEP_JOB } from './maintenance.queue';

@Processor(MAINTENANCE_QUEUE)
export class MaintenanceProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(MaintenanceProcessor.name);

  constructor(private readonly sweep: SweepJob) {
    super();
  }

  onApplicationBootstrap(): void {
    logRedisErrors(this.worker, this.logger, 'maintenance worker');
  }

  async process(job: Job) {
    if (job.name === SWEEP_JOB) return this.sweep.run();
    throw new Error(`unknown maintenance job ${job.name}`);
  }
}
