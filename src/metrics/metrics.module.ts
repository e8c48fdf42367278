import cluster from 'node:cluster';
import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { Registry } from 'prom-client';
import type { Settings } from '../config/settings';
import { QueuesModule } from '../queues/queues.module';
import { ActiveQueues } from './active-queues';
import { ClusterMetrics } from './cluster-metrics';
import { CountedDeliveries, DeliveryMetrics, UNCOUNTED_DELIVERIES } from './delivery-metrics';
import { CountedMessages, MessageMetrics, UNCOUNTED_MESSAGES } from './message-metrics';
import { MetricsAccessGuard } from './metrics-access.guard';
import { MetricsController } from './metrics.controller';
import { metricsRegistry } from './metrics.registry';
import { MetricsService } from './metrics.service';
import { QueueGauges } from './queue-gauges';
import { RequestMetrics } from './request-metrics';
import { CountedStorageErrors, StorageErrorMetrics, UNCOUNTED_STORAGE_ERRORS } from './storage-error-metrics';

const RECORDERS = [MessageMetrics, DeliveryMetrics, StorageErrorMetrics];

/**
 * GET /metrics and the recorders the services report to. Global, so any service can inject a
 * recorder; with METRICS=off the recorders count nothing and nothing is served. The request hook
 * is installed by main.ts (countRequests), before the routes exist.
 */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(settings: Settings): DynamicModule {
    if (!settings.metrics.enabled) {
      return {
        module: MetricsModule,
        providers: [
          { provide: MessageMetrics, useValue: UNCOUNTED_MESSAGES },
          { provide: DeliveryMetrics, useValue: UNCOUNTED_DELIVERIES },
          { provide: StorageErrorMetrics, useValue: UNCOUNTED_STORAGE_ERRORS },
        ],
        exports: RECORDERS,
      };
    }
    const providers: Provider[] = [
      { provide: Registry, useFactory: metricsRegistry },
      { provide: ActiveQueues, useValue: new ActiveQueues(settings.metrics.queues) },
      { provide: RequestMetrics, useFactory: (registry: Registry) => new RequestMetrics(registry), inject: [Registry] },
      { provide: MessageMetrics, useClass: CountedMessages },
      { provide: DeliveryMetrics, useClass: CountedDeliveries },
      { provide: StorageErrorMetrics, useClass: CountedStorageErrors },
      QueueGauges,
      MetricsService,
      MetricsAccessGuard,
    ];
    if (cluster.isWorker) {
      providers.push({
        provide: ClusterMetrics,
        useFactory: (registry: Registry) => new ClusterMetrics(registry),
        inject: [Registry],
      });
    }
    return {
      module: MetricsModule,
      imports: [QueuesModule],
      controllers: [MetricsController],
      providers,
      exports: RECORDERS,
    };
  }
}
