import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ClaimsModule } from './claims/claims.module';
import { RequestContextGuard } from './common/request-context.guard';
import { ZaqarExceptionFilter } from './common/zaqar-exception.filter';
import type { Settings } from './config/settings';
import { SettingsModule } from './config/settings.module';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { MessagesModule } from './messages/messages.module';
import { QueuesModule } from './queues/queues.module';
import { StorageModule } from './storage/storage.module';
import { VersionsModule } from './versions/versions.module';

@Module({})
export class AppModule {
  static forRoot(settings: Settings): DynamicModule {
    return {
      module: AppModule,
      imports: [
        SettingsModule.forRoot(settings),
        StorageModule.forRoot(settings.storageUrl),
        JobsModule.forRoot(settings),
        VersionsModule,
        HealthModule,
        QueuesModule,
        MessagesModule,
        ClaimsModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: RequestContextGuard },
        { provide: APP_FILTER, useClass: ZaqarExceptionFilter },
      ],
    };
  }
}
