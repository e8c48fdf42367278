import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { SweepJob } from '../sweep.job';
import { MAINTENANCE_QUEUE, SWEEP_JOB } from './maintenance.queue';

@Processor(MAINTENANCE_QUEUE)
export class MaintenanceProcessor extends WorkerHost {
  constructor(private readonly sweep: SweepJob) {
    super();
  }

  async process(job: Job) {
    if (job.name === SWEEP_JOB) return this.sweep.run();
    throw new Error(`unknown maintenance job ${job.name}`);
  }
}
