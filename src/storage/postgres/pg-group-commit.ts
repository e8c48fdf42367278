/**
 * Group commit, per key (a queue). Posts to one queue are serialised by its row lock anyway, so
 * instead of queueing them in PostgreSQL one transaction each, they queue here: while a flush for a
 * key is in flight, new items wait in its buffer, and when the flush settles the whole buffer goes
 * out as the next flush. An idle key flushes at once, so a lone poster pays no batching delay.
 *
 * Each submit() settles after the flush holding its item has committed (or failed), with the item's
 * own result when the flush returns one per item (a claim's messages, say). Items keep
 * their submission order inside a flush and from one flush to the next, so each producer's
 * messages keep their order. When a flush of several items fails, each item is retried alone, so
 * one bad item (a body PostgreSQL refuses) fails only its own caller.
 */
export interface GroupCommitOptions {
  /** Soft cap on the total weight (messages) of one flush; a single heavier item still goes alone. */
  maxWeight: number;
  /** Whether a failed flush of several items should be retried item by item (default: always). */
  retryAlone?: (error: unknown) => boolean;
}

interface Pending<T, R> {
  item: T;
  weight: number;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

interface KeyState<T, R> {
  buffer: Pending<T, R>[];
  flushing: boolean;
}

/** Commits a batch of items; resolves with one result per item, in their order, or with nothing. */
export type Flush<T, R> = (key: string, items: T[]) => Promise<R[] | void>;

export class GroupCommit<T, R = void> {
  private readonly keys = new Map<string, KeyState<T, R>>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly flush: Flush<T, R>,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(key: string, item: T, weight: number): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let state = this.keys.get(key);
      if (!state) {
        state = { buffer: [], flushing: false };
        this.keys.set(key, state);
      }
      state.buffer.push({ item, weight, resolve, reject });
      if (!state.flushing) void this.run(key, state);
    });
  }

  /** Number of keys with work buffered or in flight. */
  get activeKeys(): number {
    return this.keys.size;
  }

  /** Resolves once nothing is buffered or in flight. */
  idle(): Promise<void> {
    if (this.keys.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async run(key: string, state: KeyState<T, R>): Promise<void> {
    state.flushing = true;
    while (state.buffer.length > 0) {
      const batch = this.take(state);
      await this.flushBatch(key, batch);
    }
    state.flushing = false;
    this.keys.delete(key);
    if (this.keys.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  private take(state: KeyState<T, R>): Pending<T, R>[] {
    let weight = 0;
    let count = 0;
    for (const pending of state.buffer) {
      if (count > 0 && weight + pending.weight > this.options.maxWeight) break;
      weight += pending.weight;
      count++;
    }
    return state.buffer.splice(0, count);
  }

  private async flushBatch(key: string, batch: Pending<T, R>[]): Promise<void> {
    try {
      settle(
        batch,
        await this.flush(
          key,
          batch.map((p) => p.item),
        ),
      );
      return;
    } catch (error) {
      const retry = this.options.retryAlone ?? (() => true);
      if (batch.length === 1 || !retry(error)) {
        for (const p of batch) p.reject(error);
        return;
      }
    }
    for (const p of batch) {
      try {
        settle([p], await this.flush(key, [p.item]));
      } catch (error) {
        p.reject(error);
      }
    }
  }
}

function settle<T, R>(batch: Pending<T, R>[], results: R[] | void): void {
  batch.forEach((p, i) => p.resolve(results ? results[i] : (undefined as R)));
}
