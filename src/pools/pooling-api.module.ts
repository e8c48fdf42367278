import { DynamicModule, Module } from '@nestjs/common';
import type { Settings } from '../config/settings';
import { FlavorsModule } from '../flavors/flavors.module';
import { PoolsModule } from './pools.module';

/**
 * The pools and flavors admin API, served only with pooling on: without it there is no registry
 * behind them, and /v2/pools and /v2/flavors are unknown routes (404), as in Zaqar.
 */
@Module({})
export class PoolingApiModule {
  static forRoot(settings: Settings): DynamicModule {
    return { module: PoolingApiModule, imports: settings.pooling ? [PoolsModule, FlavorsModule] : [] };
  }
}
