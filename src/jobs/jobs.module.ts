import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import type { Settings } from '../config/settings';
import { BullmqDeliveryTrigger } from './bullmq/bullmq-delivery.trigger';
import { DeliveryProcessor } from './bullmq/delivery.processor';
import { MaintenanceProcessor } from './bullmq/maintenance.processor';
import { MAINTENANCE_QUEUE } from './bullmq/maintenance.queue';
import { NOTIFICATIONS_QUEUE } from './bullmq/notifications.queue';
import { SweepScheduler } from './bullmq/sweep.scheduler';
import { DeliveryJob } from './delivery.job';
import { DeliveryTrigger } from './delivery.trigger';
import { InProcessDeliveryRunner } from './in-process-delivery.runner';
import { InProcessSweepRunner } from './in-process-sweep.runner';
import { SweepJob } from './sweep.job';

/** Background jobs: on BullMQ when REDIS_URL is set, in this process otherwise; same job code. */
@Module({})
export class JobsModule {
  static forRoot(settings: Settings): DynamicModule {
    const jobs = { global: true, module: JobsModule, exports: [SweepJob, DeliveryJob, DeliveryTrigger] };
    if (!settings.redisUrl) {
      return {
        ...jobs,
        providers: [
          SweepJob,
          InProcessSweepRunner,
          DeliveryJob,
          { provide: DeliveryTrigger, useClass: InProcessDeliveryRunner },
        ],
      };
    }
    return {
      ...jobs,
      imports: [
        BullModule.forRoot({ connection: redisConnection(settings.redisUrl), prefix: settings.redisPrefix }),
        BullModule.registerQueue({ name: MAINTENANCE_QUEUE }, { name: NOTIFICATIONS_QUEUE }),
      ],
      providers: [
        SweepJob,
        MaintenanceProcessor,
        SweepScheduler,
        DeliveryJob,
        DeliveryProcessor,
        { provide: DeliveryTrigger, useClass: BullmqDeliveryTrigger },
      ],
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
