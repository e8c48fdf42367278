import { DynamicModule, Inject, Injectable, Module, OnModuleDestroy } from '@nestjs/common';
import { STORAGE_DRIVER, type StorageDriver } from '../storage.contract';
import { openPostgresDriver } from './postgres.driver';

/** Closes the pool when the application shuts down, once buffered posts have committed. */
@Injectable()
class PostgresDriverCloser implements OnModuleDestroy {
  constructor(@Inject(STORAGE_DRIVER) private readonly driver: StorageDriver) {}

  async onModuleDestroy(): Promise<void> {
    await this.driver.close();
  }
}

/** The PostgreSQL provider: `postgres://…`, migrated to the current schema when it opens. */
@Module({})
export class PostgresStorageModule {
  static forRoot(url: string): DynamicModule {
    return {
      module: PostgresStorageModule,
      providers: [{ provide: STORAGE_DRIVER, useFactory: () => openPostgresDriver(url) }, PostgresDriverCloser],
      exports: [STORAGE_DRIVER],
    };
  }
}
