import { DynamicModule, Global, Inject, Injectable, Module, OnModuleDestroy } from '@nestjs/common';
import { openPoolingDriver } from '../pooling/pooling.driver';
import { POOL_ADMIN } from '../pooling/pool-admin';
import { providerFor } from './storage-providers';
import {
  CLAIM_STORE,
  DELIVERY_STORE,
  MESSAGE_STORE,
  QUEUE_STORE,
  STORAGE_DRIVER,
  StorageDriver,
  SUBSCRIPTION_STORE,
} from './storage.contract';

export { UnknownStorageScheme } from './storage-providers';

/** Closes the pooling layer, and with it every pool and the management store, at shutdown. */
@Injectable()
class PoolingDriverCloser implements OnModuleDestroy {
  constructor(@Inject(STORAGE_DRIVER) private readonly driver: StorageDriver) {}

  async onModuleDestroy(): Promise<void> {
    await this.driver.close();
  }
}

/** Without pooling, the provider module of the URL's scheme; with it, the pooling layer over that store. */
function driverModule(url: string, pooling: boolean): DynamicModule {
  if (!pooling) return providerFor(url).module(url);
  const open = providerFor(url).open;
  return {
    module: PoolingStorageModule,
    providers: [
      { provide: STORAGE_DRIVER, useFactory: () => openPoolingDriver(url, open) },
      { provide: POOL_ADMIN, useExisting: STORAGE_DRIVER },
      PoolingDriverCloser,
    ],
    exports: [STORAGE_DRIVER, POOL_ADMIN],
  };
}

@Module({})
class PoolingStorageModule {}

/**
 * Binds the storage contract tokens to the provider that the storage URL names, or to the pooling
 * layer that routes each queue to its pool. Feature modules inject QUEUE_STORE / MESSAGE_STORE /
 * CLAIM_STORE and never see which provider is behind them.
 */
@Global()
@Module({})
export class StorageModule {
  static forRoot(url: string, options: { pooling?: boolean } = {}): DynamicModule {
    const fromDriver = (token: symbol, pick: (driver: StorageDriver) => unknown) => ({
      provide: token,
      useFactory: pick,
      inject: [STORAGE_DRIVER],
    });
    const providerModule = driverModule(url, options.pooling ?? false);
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
