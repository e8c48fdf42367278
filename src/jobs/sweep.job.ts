import { Inject, Injectable, Logger } from '@nestjs/common';
import { STORAGE_DRIVER, StorageDriver, SweepResult } from '../storage/storage.contract';

/**
 * Removes expired messages, claims and subscriptions for good. Queries already ignore them, so this job only
 * reclaims space; it is the same code whether BullMQ or the in-process runner calls it.
 */
@Injectable()
export class SweepJob {
  private readonly logger = new Logger(SweepJob.name);

  constructor(@Inject(STORAGE_DRIVER) private readonly driver: StorageDriver) {}

  async run(now = Date.now()): Promise<SweepResult> {
    const result = await this.driver.sweep(now);
    if (result.messages || result.claims || result.subscriptions) {
      this.logger.log(
        `swept ${result.messages} expired messages, ${result.claims} claims and ${result.subscriptions} subscriptions`,
      );
    }
    return result;
  }
}
