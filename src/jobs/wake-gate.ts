/**
 * Runs `task` soon after each wake, never two at once and at most once every `minGapMs`: however
 * many wakes a burst of posts makes, they cost one run. A wake during a run makes one more run
 * after it, so no wake goes unanswered. `task` must not reject.
 */
export class WakeGate {
  private running?: Promise<void>;
  private again = false;
  private closed = false;
  private lastStart = 0;
  private scheduled?: NodeJS.Timeout;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly minGapMs: number,
  ) {}

  wake(): void {
    if (this.closed || this.scheduled) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const wait = this.lastStart + this.minGapMs - Date.now();
    if (wait > 0) {
      this.scheduled = setTimeout(() => {
        this.scheduled = undefined;
        this.wake();
      }, wait);
      return;
    }
    this.lastStart = Date.now();
    this.running = this.task().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** No more runs; resolves when the one in progress has ended. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.scheduled);
    await this.running;
  }
}
