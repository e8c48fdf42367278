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
import { redisConnection } from './redis-connection';
import { MessageBodiesModule } from '../messages/bodies/message-bodies';
import { SocketPushes } from '../notifications/socket-pushes';
import { SweepJob } from './sweep.job';

/** Background jobs: on BullMQ when REDIS_URL is set, in this process otherwise; same job code. */
@Module({})
export class JobsModule {
  static forRoot(settings: Settings): DynamicModule {
    const jobs = { global: true, module: JobsModule, exports: [SweepJob, DeliveryJob, DeliveryTrigger, SocketPushes] };
    if (!settings.redisUrl) {
      return {
        ...jobs,
        imports: [MessageBodiesModule],
        providers: [
          SweepJob,
          InProcessSweepRunner,
          DeliveryJob,
          SocketPushes,
          { provide: DeliveryTrigger, useClass: InProcessDeliveryRunner },
        ],
      };
    }
    return {
      ...jobs,
      imports: [
        MessageBodiesModule,
        BullModule.forRoot({ connection: redisConnection(settings.redisUrl), prefix: settings.redisPrefix }),
        BullModule.registerQueue({ name: MAINTENANCE_QUEUE }, { name: NOTIFICATIONS_QUEUE }),
      ],
      providers: [
        SweepJob,
        MaintenanceProcessor,
        SweepScheduler,
        DeliveryJob,
        DeliveryProcessor,
        SocketPushes,
        { provide: DeliveryTrigger, useClass: BullmqDeliveryTrigger },
      ],
    };
  }
}
