import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DELIVERY_BATCH, DeliveryJob } from './delivery.job';

/** Due deliveries posted through other processes, and retries, are looked for this often. */
const POLL_MS = 1000;
/** Runs start at most this often, however many posts wake the runner: one lease serves them all. */
const MIN_GAP_MS = 20;

/**
 * Runs the delivery job in this process: at once when a post here has written deliveries, and
 * every POLL_MS for the rest. Runs never overlap; a full batch runs again straight away. Several
 * processes share the outbox safely, since each delivery is leased to one of them.
 */
@Injectable()
export class InProcessDeliveryRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InProcessDeliveryRunner.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private lastStart = 0;
  private scheduled?: NodeJS.Timeout;

  constructor(private readonly job: DeliveryJob) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.wake(), POLL_MS);
    this.timer.unref();
    this.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.scheduled);
    await this.running;
  }

  /** Something may be due: run soon, or once more after the run in progress. */
  wake(): void {
    if (this.stopped || this.scheduled) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const wait = this.lastStart + MIN_GAP_MS - Date.now();
    if (wait > 0) {
      this.scheduled = setTimeout(() => {
        this.scheduled = undefined;
        this.wake();
      }, wait);
      return;
    }
    this.lastStart = Date.now();
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (!this.stopped && (await this.job.run()) === DELIVERY_BATCH);
    } catch (error) {
      this.logger.warn(`delivering notifications failed: ${error}`);
    }
  }
}
