/**
 * Post-to-receipt latency, for the scenarios that measure how fast a message reaches its subscribers
 * (fanout: webhooks; push: socket subscriptions): each message carries its post time in its body,
 * and the receipts read it back on arrival. Both clocks are this process's.
 */
import { performance } from 'node:perf_hooks';
import { LatencyRecord, type Operation } from './load';
import type { RunContext } from './scenarios';

export const clock = (): number => performance.timeOrigin + performance.now();

/**
 * POSTs one message stamped `{"sent": <ms>}` to `path`; with a `rate` (posts per second) the posts
 * of all connections together keep to it from `started`, otherwise they go as fast as they can.
 */
export function stampedPosts(ctx: RunContext, path: string, rate: number, started: number): Operation {
  let slots = 0;
  return async (conn) => {
    if (rate > 0) {
      const wait = started + (slots++ * 1000) / rate - clock();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const res = await conn.request(ctx.request('POST', path, `{"messages":[{"ttl":300,"body":{"sent":${clock()}}}]}`));
    if (res.status === 201) return { requests: 1, non2xx: 0, messages: 1 };
    ctx.log.note(`POST answered ${res.status}`);
    return { requests: 1, non2xx: 1, messages: 0 };
  };
}

/** Counts the notifications that arrived and the time from each message's post to its receipt. */
export class Receipts {
  received = 0;
  lastAt = 0;
  latency = new LatencyRecord();

  /** A notification's payload as it arrived (Zaqar's: {"body": {...}, ...}); others are ignored. */
  record(payload: string, at = clock()): void {
    const sent = sentAt(payload);
    if (sent === undefined) return;
    this.received++;
    this.lastAt = at;
    this.latency.add(at - sent);
  }

  /** Forgets what arrived so far (a warm-up's receipts). */
  reset(): void {
    this.received = 0;
    this.lastAt = 0;
    this.latency = new LatencyRecord();
  }

  /** Resolves once `count` have arrived, or when none has for `idleMs`. */
  async waitFor(count: number, idleMs: number): Promise<void> {
    let seen = this.received;
    let since = Date.now();
    while (this.received < count && Date.now() - since < idleMs) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (this.received !== seen) [seen, since] = [this.received, Date.now()];
    }
  }

  /** "p50 14 ms, p99 29 ms" */
  percentiles(): string {
    const [p50, p99] = [50, 99].map((p) => this.latency.percentile(p));
    return `p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms`;
  }
}

function sentAt(payload: string): number | undefined {
  try {
    const sent = (JSON.parse(payload) as { body?: { sent?: unknown } }).body?.sent;
    return typeof sent === 'number' ? sent : undefined;
  } catch {
    return undefined;
  }
}
