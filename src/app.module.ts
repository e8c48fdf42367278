import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ClaimsModule } from './claims/claims.module';
import { RequestContextGuard } from './common/request-context.guard';
import { ZaqarExceptionFilter } from './common/zaqar-exception.filter';
import type { Logger } from 'pino';
import type { Settings } from './config/settings';
import { SettingsModule } from './config/settings.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { HealthModule } from './health/health.module';
import { IdentityGuard } from './identity/identity.guard';
import { IdentityModule } from './identity/identity.module';
import { JobsModule } from './jobs/jobs.module';
import { LoggingModule } from './logging/logging.module';
import { MessagesModule } from './messages/messages.module';
import { MessagePipelineModule } from './messages/pipeline/message-pipeline.module';
import { MetricsModule } from './metrics/metrics.module';
import { PolicyGuard } from './policy/policy.guard';
import { PolicyModule } from './policy/policy.module';
import { PoolingApiModule } from './pools/pooling-api.module';
import { QueuesModule } from './queues/queues.module';
import { SocketioModule } from './socketio/socketio.module';
import { StorageModule } from './storage/storage.module';
import { SubscriptionsModule } from './subscriptions/subscriptions.module';
import { VersionsModule } from './versions/versions.module';
import { WebsocketModule } from './websocket/websocket.module';

@Module({})
export class AppModule {
  static forRoot(settings: Settings, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        SettingsModule.forRoot(settings),
        LoggingModule.forRoot(logger),
        IdentityModule.forRoot(settings),
        PolicyModule,
        StorageModule.forRoot(settings.storageUrl, { pooling: settings.pooling }),
        JobsModule.forRoot(settings),
        MetricsModule.forRoot(settings),
        MessagePipelineModule.forRoot(settings.messagePipeline),
        VersionsModule,
        HealthModule,
        QueuesModule,
        MessagesModule,
        ClaimsModule,
        SubscriptionsModule,
        PoolingApiModule.forRoot(settings),
        WebsocketModule,
        SocketioModule.forRoot(settings),
        DashboardModule,
      ],
      providers: [
        // in Zaqar's order: who is asking (401/404), request checks (400), then policy (403)
        { provide: APP_GUARD, useExisting: IdentityGuard },
        { provide: APP_GUARD, useClass: RequestContextGuard },
        { provide: APP_GUARD, useClass: PolicyGuard },
        { provide: APP_FILTER, useClass: ZaqarExceptionFilter },
      ],
    };
  }
}
