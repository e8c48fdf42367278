/**
 * Group commit: write operations submitted close together run in one transaction, and each
 * caller's promise settles only after that shared commit, so one fsync covers the whole group.
 *
 * better-sqlite3 is synchronous, so the grouping happens in JS: operations queue up until the
 * current event-loop turn ends (or a short window passes), then run in arrival order inside one
 * IMMEDIATE transaction. Each operation is a function of the database state it finds, so arrival
 * order is commit order: posts keep FIFO and get consecutive sequence numbers, and an operation
 * sees every write queued before it.
 *
 * If anything in the group throws, the whole transaction rolls back and the operations are run
 * again one transaction each, so only the one that fails is rejected and no partial write of it
 * is ever committed. (Cheaper on the happy path than a savepoint per operation.) When the failure
 * is the database's rather than an operation's (busy, disk full), retrying each alone would only
 * fail, slowly, n times over: `retryAlone` tells them apart, and then the whole group is rejected.
 */

/** Runs `body` in one transaction and returns its result; rolls back and rethrows on error. */
export type Transact = <R>(body: () => R) => R;

interface Pending {
  op: () => unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

export interface GroupCommitOptions {
  /** 0: flush at the end of the current event-loop turn (setImmediate); else a timer of this many ms. */
  windowMs: number;
  /** A group this large is flushed at once instead of waiting for the window. */
  maxBatch: number;
  /** Whether, after this error failed a group, its operations are worth running one by one. */
  retryAlone?: (error: unknown) => boolean;
  /** Called after each flush that may have committed something (e.g. to wake a checkpointer). */
  committed?: () => void;
}

export class ClosedError extends Error {
  constructor() {
    super('storage driver is closed');
    this.name = 'ClosedError';
  }
}

export class GroupCommit {
  private pending: Pending[] = [];
  private timer: NodeJS.Immediate | NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly transact: Transact,
    private readonly options: GroupCommitOptions = { windowMs: 0, maxBatch: 1000 },
  ) {}

  /** Queues `op` for the next group; resolves with its result once the group is committed. */
  submit<T>(op: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new ClosedError());
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ op, resolve: resolve as (value: unknown) => void, reject });
      if (this.pending.length >= this.options.maxBatch) {
        this.flush();
      } else if (this.timer === undefined) {
        this.timer =
          this.options.windowMs > 0
            ? setTimeout(() => this.flush(), this.options.windowMs)
            : setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything queued so far, synchronously. */
  flush(): void {
    this.cancelTimer();
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    let results: unknown[];
    try {
      results = this.transact(() => batch.map((p) => p.op()));
    } catch (groupError) {
      if (batch.length === 1 || !(this.options.retryAlone?.(groupError) ?? true)) {
        for (const p of batch) p.reject(groupError);
        return;
      }
      for (const p of batch) {
        try {
          p.resolve(this.transact(p.op));
        } catch (error) {
          p.reject(error);
        }
      }
      this.options.committed?.();
      return;
    }
    this.options.committed?.();
    for (let i = 0; i < batch.length; i++) batch[i].resolve(results[i]);
  }

  /** Flushes what is queued and refuses further work. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  get size(): number {
    return this.pending.length;
  }

  private cancelTimer(): void {
    if (this.timer === undefined) return;
    // Either kind is safe to pass to either canceller in Node, but be explicit.
    if (this.options.windowMs > 0) clearTimeout(this.timer as NodeJS.Timeout);
    else clearImmediate(this.timer as NodeJS.Immediate);
    this.timer = undefined;
  }
}
