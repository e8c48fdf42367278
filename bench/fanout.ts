/**
 * The notification scenario: a queue with webhook subscribers, a receiver in this process, and
 * messages posted until a fixed count; then the deliveries are waited for. It reports the posts as
 * any scenario does, and in its notes the deliveries per second and post-to-receipt latency.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { clock, Receipts, stampedPosts } from './post-to-receipt';
import type { RunContext, Scenario } from './scenarios';

const SUBSCRIBERS = 10;
const MESSAGES = Number(process.env.BENCH_FANOUT_MESSAGES ?? 1000);
/** Posts per second when set: latency at a rate every target sustains; unset, as fast as they go. */
const RATE = Number(process.env.BENCH_FANOUT_RATE ?? 0);
/** How long after the last post the deliveries still outstanding are waited for. */
const DRAIN_MS = Number(process.env.BENCH_FANOUT_DRAIN_MS ?? 120_000);

/** The webhook end: every request is a delivery, answered 200. */
class Receiver extends Receipts {
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const now = clock();
      res.writeHead(200).end();
      this.record(Buffer.concat(chunks).toString(), now);
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

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
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
      const started = clock();
      const op = stampedPosts(ctx, `${ctx.queuePath}/messages`, RATE, started);
      const load = await ctx.load(op, 10 * 60_000, (r) => r.messages >= MESSAGES);
      const expected = load.messages * SUBSCRIBERS;
      await receiver.waitFor(expected, DRAIN_MS);
      const seconds = (receiver.lastAt - started) / 1000;
      const notes = [
        `deliveries: ${Math.round(receiver.received / seconds)}/s (${receiver.received} of ${expected} in ${seconds.toFixed(1)} s)`,
        `post to receipt: ${receiver.percentiles()}`,
      ];
      const problems = receiver.received < expected ? [`${expected - receiver.received} deliveries never arrived`] : [];
      await ctx.deleteQueue();
      return ctx.result(load, notes, problems);
    } finally {
      await receiver.stop();
    }
  },
};
