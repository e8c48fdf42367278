/**
 * The notification scenario: a queue with webhook subscribers, a receiver in this process, and
 * messages posted until a fixed count; then the deliveries are waited for. It reports the posts as
 * any scenario does, and in its notes the deliveries per second and post-to-receipt latency.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LatencyRecord, type Operation } from './load';
import type { RunContext, Scenario } from './scenarios';

const SUBSCRIBERS = 10;
const MESSAGES = Number(process.env.BENCH_FANOUT_MESSAGES ?? 1000);
/** Posts per second when set: latency at a rate every target sustains; unset, as fast as they go. */
const RATE = Number(process.env.BENCH_FANOUT_RATE ?? 0);
/** How long after the last post the deliveries still outstanding are waited for. */
const DRAIN_MS = Number(process.env.BENCH_FANOUT_DRAIN_MS ?? 120_000);

/** Counts webhook requests and the time from each message's post to its receipt. */
class Receiver {
  received = 0;
  lastAt = 0;
  readonly latency = new LatencyRecord();
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const now = performance.timeOrigin + performance.now();
      res.writeHead(200).end();
      const sent = sentAt(Buffer.concat(chunks).toString());
      if (sent === undefined) return;
      this.received++;
      this.lastAt = now;
      this.latency.add(now - sent);
    });
  });

  static async start(): Promise<Receiver> {
    const receiver = new Receiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/${path}`;
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

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The `sent` stamp in a notification's message body (Zaqar's payload: {"body": {...}, ...}). */
function sentAt(payload: string): number | undefined {
  try {
    const sent = (JSON.parse(payload) as { body?: { sent?: unknown } }).body?.sent;
    return typeof sent === 'number' ? sent : undefined;
  } catch {
    return undefined;
  }
}

export const fanout: Scenario = {
  name: 'fanout',
  operation:
    `POST 1 message to a queue with ${SUBSCRIBERS} webhook subscribers, until ${MESSAGES} are posted` +
    (RATE > 0 ? `, ${RATE} per second` : ''),
  countsMessages: true,
  onRequest: true,
  async run(ctx: RunContext) {
    const receiver = await Receiver.start();
    try {
      await ctx.expect([201, 204], 'PUT', ctx.queuePath, '{}');
      for (let i = 0; i < SUBSCRIBERS; i++) {
        const subscription = JSON.stringify({ subscriber: receiver.url(`s${i}`), ttl: 3600 });
        await ctx.expect([201], 'POST', `${ctx.queuePath}/subscriptions`, subscription);
      }
      const path = `${ctx.queuePath}/messages`;
      const started = performance.timeOrigin + performance.now();
      let slots = 0;
      const op: Operation = async (conn) => {
        if (RATE > 0) {
          const wait = started + (slots++ * 1000) / RATE - (performance.timeOrigin + performance.now());
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        }
        const sent = performance.timeOrigin + performance.now();
        const res = await conn.request(ctx.request('POST', path, `{"messages":[{"ttl":300,"body":{"sent":${sent}}}]}`));
        if (res.status === 201) return { requests: 1, non2xx: 0, messages: 1 };
        ctx.log.note(`POST answered ${res.status}`);
        return { requests: 1, non2xx: 1, messages: 0 };
      };
      const load = await ctx.load(op, 10 * 60_000, (r) => r.messages >= MESSAGES);
      const expected = load.messages * SUBSCRIBERS;
      await receiver.waitFor(expected, DRAIN_MS);
      const seconds = (receiver.lastAt - started) / 1000;
      const [p50, p99] = [50, 99].map((p) => receiver.latency.percentile(p));
      const notes = [
        `deliveries: ${Math.round(receiver.received / seconds)}/s (${receiver.received} of ${expected} in ${seconds.toFixed(1)} s)`,
        `post to receipt: p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms`,
      ];
      const problems = receiver.received < expected ? [`${expected - receiver.received} deliveries never arrived`] : [];
      await ctx.deleteQueue();
      return ctx.result(load, notes, problems);
    } finally {
      await receiver.stop();
    }
  },
};
