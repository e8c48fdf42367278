import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { QueueRef } from '../../storage/storage.contract';

/** Messages may have become free on a queue: `count` of them were posted (or released). */
export interface Signal {
  ref: QueueRef;
  count: number;
}

/** Carries signals between server processes: Redis pub/sub, PostgreSQL LISTEN/NOTIFY, the cluster primary. */
export interface SignalChannel {
  /** Starts handing other processes' signals to `deliver`. */
  open(deliver: (signals: Signal[]) => void): Promise<void>;
  /** Sends this process's signals of one tick to the others. */
  publish(signals: Signal[]): void;
  close(): Promise<void>;
}

export const SIGNAL_CHANNEL = Symbol('SignalChannel');

/**
 * How a waiter wants waking: a lister by every signal of its queue; a claimer by a share of it,
 * one claimer per message posted, the longest waiting first, so one message wakes one claimer here
 * instead of every one.
 */
export type WaitMode = 'list' | 'claim';

interface Waiter {
  mode: WaitMode;
  woken: boolean;
  wake(): void;
}

const keyOf = ({ project, queue }: QueueRef) => JSON.stringify([project, queue]);

/** The least time between two publishes of one process to the others. */
const PUBLISH_GAP_MS = 20;

/**
 * Long polling's wake-ups. A post tells the waiters of its queue in this process at once, and those
 * of the other processes through the signal channel (one publish per tick, whatever was posted in
 * it). A waiter holds a timer and a promise: no database connection, no polling.
 */
@Injectable()
export class MessageSignals implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MessageSignals.name);
  private readonly waiters = new Map<string, Set<Waiter>>();
  private pending = new Map<string, Signal>();
  private flushing = false;
  private lastPublish = 0;
  private closed = false;

  constructor(@Inject(SIGNAL_CHANNEL) private readonly channel: SignalChannel) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.channel.open((signals) => signals.forEach(({ ref, count }) => this.wake(keyOf(ref), count)));
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    for (const set of this.waiters.values()) for (const waiter of set) waiter.wake();
    await this.channel.close();
  }

  /** `count` messages may have become free on the queue: wakes its waiters here and elsewhere. */
  posted(ref: QueueRef, count: number): void {
    if (count <= 0) return;
    const key = keyOf(ref);
    this.wake(key, count);
    const queued = this.pending.get(key);
    if (queued) queued.count += count;
    else this.pending.set(key, { ref, count });
    this.scheduleFlush();
  }

  /**
   * The first signal after a quiet spell goes out on the next tick; under load, one publish per
   * PUBLISH_GAP_MS carries all of them, so a busy server does not pay a publish per post.
   */
  private scheduleFlush(): void {
    if (this.flushing) return;
    this.flushing = true;
    const wait = Math.max(0, this.lastPublish + PUBLISH_GAP_MS - Date.now());
    const flush = () => {
      this.flushing = false;
      this.lastPublish = Date.now();
      this.flush();
    };
    if (wait === 0) setImmediate(flush);
    else setTimeout(flush, wait);
  }

  /**
   * Runs `attempt` until `found` accepts what it returns, trying again whenever the queue is
   * signalled, and returns the last result once `waitMs` have passed or `abort` fires. The waiter is
   * enlisted before each attempt, so a post that lands during one is not missed.
   */
  async poll<T>(
    ref: QueueRef,
    mode: WaitMode,
    waitMs: number,
    attempt: () => Promise<T>,
    found: (result: T) => boolean,
    abort?: AbortSignal,
  ): Promise<T> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const woken = this.enlist(ref, mode, deadline, abort);
      let result: T;
      try {
        result = await attempt();
      } catch (error) {
        woken.cancel();
        throw error;
      }
      if (found(result) || Date.now() >= deadline || abort?.aborted || this.closed) {
        woken.cancel();
        return result;
      }
      if (!(await woken.promise)) return result;
    }
  }

  private enlist(ref: QueueRef, mode: WaitMode, deadline: number, abort?: AbortSignal) {
    const key = keyOf(ref);
    let set = this.waiters.get(key);
    if (!set) this.waiters.set(key, (set = new Set()));
    let settle!: (woken: boolean) => void;
    const promise = new Promise<boolean>((resolve) => (settle = resolve));
    const waiter: Waiter = { mode, woken: false, wake: () => finish(true) };
    const timer = setTimeout(() => finish(false), Math.max(0, deadline - Date.now()));
    const onAbort = () => finish(false);
    abort?.addEventListener('abort', onAbort, { once: true });
    const finish = (woken: boolean) => {
      clearTimeout(timer);
      abort?.removeEventListener('abort', onAbort);
      waiter.woken = woken;
      set.delete(waiter);
      if (set.size === 0 && this.waiters.get(key) === set) this.waiters.delete(key);
      settle(woken && !this.closed);
    };
    set.add(waiter);
    return { promise, cancel: () => finish(false) };
  }

  private wake(key: string, count: number): void {
    const set = this.waiters.get(key);
    if (!set) return;
    let claimers = count;
    for (const waiter of [...set]) {
      if (waiter.mode === 'list') waiter.wake();
      else if (claimers > 0) {
        claimers--;
        waiter.wake();
      }
    }
  }

  private flush(): void {
    const signals = [...this.pending.values()];
    this.pending = new Map();
    try {
      this.channel.publish(signals);
    } catch (error) {
      this.logger.warn(`could not signal other processes: ${(error as Error).message}`);
    }
  }
}
