import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Settings } from '../config/settings';
import { SETTINGS } from '../config/settings.module';
import { SweepJob } from './sweep.job';

/** Without Redis, the sweep runs on a timer in this process; runs never overlap. */
@Injectable()
export class InProcessSweepRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InProcessSweepRunner.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly sweep: SweepJob,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), this.settings.sweepIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.sweep
      .run()
      .catch((error) => this.logger.warn(`sweep failed: ${error}`))
      .finally(() => (this.running = undefined));
  }
}
