import { DynamicModule, Global, Module } from '@nestjs/common';
import { PostgresStorageModule } from './postgres/postgres-storage.module';
import { SqliteStorageModule } from './sqlite/sqlite-storage.module';
import {
  CLAIM_STORE,
  DELIVERY_STORE,
  MESSAGE_STORE,
  QUEUE_STORE,
  STORAGE_DRIVER,
  StorageDriver,
  SUBSCRIPTION_STORE,
} from './storage.contract';

/** URL scheme → the provider module that serves it. A new provider adds one line here. */
const PROVIDERS: Record<string, (url: string) => DynamicModule> = {
  sqlite: (url) => SqliteStorageModule.forRoot(url),
  postgres: (url) => PostgresStorageModule.forRoot(url),
  postgresql: (url) => PostgresStorageModule.forRoot(url),
};

export class UnknownStorageScheme extends Error {}

/**
 * Binds the storage contract tokens to the provider that the storage URL names. Feature modules
 * inject QUEUE_STORE / MESSAGE_STORE / CLAIM_STORE and never see which provider is behind them.
 */
@Global()
@Module({})
export class StorageModule {
  static forRoot(url: string): DynamicModule {
    const scheme = url.slice(0, url.indexOf(':'));
    const provider = PROVIDERS[scheme];
    if (!provider) {
      throw new UnknownStorageScheme(
        `STORAGE_URL scheme "${scheme}" is not one of: ${Object.keys(PROVIDERS).join(', ')}`,
      );
    }
    const fromDriver = (token: symbol, pick: (driver: StorageDriver) => unknown) => ({
      provide: token,
      useFactory: pick,
      inject: [STORAGE_DRIVER],
    });
    const providerModule = provider(url);
    return {
      module: StorageModule,
      imports: [providerModule],
      providers: [
        fromDriver(QUEUE_STORE, (driver) => driver.queues),
        fromDriver(MESSAGE_STORE, (driver) => driver.messages),
        fromDriver(CLAIM_STORE, (driver) => driver.claims),
        fromDriver(SUBSCRIPTION_STORE, (driver) => driver.subscriptions),
        fromDriver(DELIVERY_STORE, (driver) => driver.deliveries),
      ],
      exports: [QUEUE_STORE, MESSAGE_STORE, CLAIM_STORE, SUBSCRIPTION_STORE, DELIVERY_STORE, providerModule.module],
    };
  }
}
