import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import type { Settings } from '../config/settings';
import { MaintenanceProcessor } from './bullmq/maintenance.processor';
import { MAINTENANCE_QUEUE } from './bullmq/maintenance.queue';
import { SweepScheduler } from './bullmq/sweep.scheduler';
import { DeliveryJob } from './delivery.job';
import { InProcessDeliveryRunner } from './in-process-delivery.runner';
import { InProcessSweepRunner } from './in-process-sweep.runner';
import { SweepJob } from './sweep.job';

/** Background jobs: on BullMQ when REDIS_URL is set, in this process otherwise; same job code. */
@Module({})
export class JobsModule {
  static forRoot(settings: Settings): DynamicModule {
    // Deliveries are leased from the storage outbox by every process, with Redis or without.
    const delivery = [DeliveryJob, InProcessDeliveryRunner];
    if (!settings.redisUrl) {
      return {
        global: true,
        module: JobsModule,
        providers: [SweepJob, InProcessSweepRunner, ...delivery],
        exports: [SweepJob, ...delivery],
      };
    }
    return {
      global: true,
      module: JobsModule,
      imports: [
        BullModule.forRoot({ connection: redisConnection(settings.redisUrl) }),
        BullModule.registerQueue({ name: MAINTENANCE_QUEUE }),
      ],
      providers: [SweepJob, MaintenanceProcessor, SweepScheduler, ...delivery],
      exports: [SweepJob, ...delivery],
    };
  }
}

/** ioredis options from a redis:// URL (BullMQ takes options, not a URL). */
export function redisConnection(url: string) {
  const parsed = new URL(url);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: Number(parsed.port || 6379),
    db: Number(parsed.pathname.slice(1) || 0),
    username: parsed.username || undefined,
    password: parsed.password || undefined,
    maxRetriesPerRequest: null,
  };
}
