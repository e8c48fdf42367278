import { DynamicModule, Inject, Injectable, Module, OnModuleDestroy } from '@nestjs/common';
import { STORAGE_DRIVER, type StorageDriver } from '../storage.contract';
import { openSqliteThreadDriver } from './sqlite-thread.driver';

/** Closes the database when the application shuts down, after what still writes has flushed. */
@Injectable()
class SqliteDriverCloser implements OnModuleDestroy {
  constructor(@Inject(STORAGE_DRIVER) private readonly driver: StorageDriver) {}

  async onModuleDestroy(): Promise<void> {
    // Nest destroys dependants first, so services and jobs have stopped using the driver by now.
    await this.driver.close();
  }
}

/** The embedded provider: `sqlite:<path>` or `sqlite::memory:`. */
@Module({})
export class SqliteStorageModule {
  static forRoot(url: string): DynamicModule {
    return {
      module: SqliteStorageModule,
      providers: [{ provide: STORAGE_DRIVER, useFactory: () => openSqliteThreadDriver(url) }, SqliteDriverCloser],
      exports: [STORAGE_DRIVER],
    };
  }
}
