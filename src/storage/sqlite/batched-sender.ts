/**
 * Sends what is sent before the current microtasks run out as one message: an array, in order.
 *
 * The SQLite thread answers through this. Each postMessage to the server thread is its own
 * structured clone, wake-up and 'message' event there, and a group commit settles dozens of calls
 * at once: their answers now cross together (docs/performance.md has the A/B). Calls to the thread
 * are not batched: holding them left the thread idle meanwhile.
 */
export class BatchedSender<T> {
  private batch: T[] = [];

  constructor(private readonly post: (batch: T[]) => void) {}

  send(item: T): void {
    if (this.batch.push(item) === 1) queueMicrotask(() => this.flush());
  }

  private flush(): void {
    const batch = this.batch;
    this.batch = [];
    this.post(batch);
  }
}
