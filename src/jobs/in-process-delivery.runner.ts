import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DeliveryJob } from './delivery.job';
import { DELIVERY_MIN_GAP_MS, DELIVERY_POLL_MS, DeliveryTrigger } from './delivery.trigger';
import { WakeGate } from './wake-gate';

/**
 * Without Redis, runs the delivery job in this process: at once when a post here has written
 * deliveries, and every DELIVERY_POLL_MS for the rest. Runs never overlap; a run that leaves
 * something due at once runs again straight away. Several processes share the outbox safely,
 * since each delivery is leased to one.
 */
@Injectable()
export class InProcessDeliveryRunner extends DeliveryTrigger implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InProcessDeliveryRunner.name);
  private readonly gate = new WakeGate(() => this.drain(), DELIVERY_MIN_GAP_MS);
  private timer?: NodeJS.Timeout;

  constructor(private readonly job: DeliveryJob) {
    super();
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.wake(), DELIVERY_POLL_MS);
    this.timer.unref();
    this.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.gate.close();
  }

  wake(): void {
    this.gate.wake();
  }

  private async drain(): Promise<void> {
    try {
      while (!this.gate.isClosed && (await this.job.run()).moreDue);
    } catch (error) {
      this.logger.warn(`delivering notifications failed: ${error}`);
    }
  }
}
