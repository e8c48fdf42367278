/**
 * Post-to-claim latency: workers that long-poll (claim with `wait`) against workers that poll
 * (claim, and sleep 100 ms whenever nothing was free), while a producer posts stamped messages at a
 * steady rate. Each worker claims one message at a time and deletes it; the latency is from a
 * message's post to the claim that got it. With the target's PostgreSQL database (--pg-stats), the
 * notes also give the transactions per second the database committed meanwhile: every statement of
 * this server is its own transaction, so that is its statements per second, producer included.
 */
import * as pg from 'pg';
import { clock, Receipts, stampedPosts } from './post-to-receipt';
import type { RunContext, Scenario, ScenarioResult } from './scenarios';

const WORKERS = Number(process.env.BENCH_CLAIM_WORKERS ?? 8);
const MESSAGES = Number(process.env.BENCH_CLAIM_MESSAGES ?? 500);
const RATE = Number(process.env.BENCH_CLAIM_RATE ?? 50);
const POLL_SLEEP_MS = 100;
const WAIT_SECONDS = 5;

/** Transactions the target's database has committed or rolled back so far; null without --pg-stats. */
async function transactions(url: string | null): Promise<number | null> {
  if (!url) return null;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()',
    );
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}

/** One worker: claims a message, records its latency, deletes it with the claim; until told to stop. */
async function work(ctx: RunContext, longPoll: boolean, receipts: Receipts, stop: () => boolean, problems: string[]) {
  const conn = ctx.http();
  const claimPath = `${ctx.queuePath}/claims?limit=1${longPoll ? `&wait=${WAIT_SECONDS}` : ''}`;
  try {
    while (!stop()) {
      const res = await ctx.call('POST', claimPath, '{"ttl": 60, "grace": 60}', conn);
      if (res.status === 204) {
        if (!longPoll) await new Promise((resolve) => setTimeout(resolve, POLL_SLEEP_MS));
        continue;
      }
      if (res.status !== 201) {
        problems.push(`claim answered ${res.status}`);
        return;
      }
      const at = clock();
      for (const message of JSON.parse(String(res.body)).messages as Array<{ href: string; body: unknown }>) {
        receipts.record(JSON.stringify({ body: message.body }), at);
        await ctx.call('DELETE', message.href, undefined, conn);
      }
    }
  } finally {
    conn.close();
  }
}

function claimLatency(name: string, longPoll: boolean): Scenario {
  return {
    name,
    operation:
      `POST 1 stamped message, ${RATE}/s until ${MESSAGES}, taken by ${WORKERS} workers that ` +
      (longPoll ? `claim with wait=${WAIT_SECONDS}` : `claim and sleep ${POLL_SLEEP_MS} ms when empty`),
    countsMessages: true,
    onRequest: true,
    async run(ctx: RunContext): Promise<ScenarioResult> {
      await ctx.expect([201, 204], 'PUT', ctx.queuePath, '{}');
      const receipts = new Receipts();
      const problems: string[] = [];
      let stopping = false;
      const before = await transactions(ctx.target.statsUrl);
      const startedAt = clock();
      const workers = Array.from({ length: WORKERS }, () => work(ctx, longPoll, receipts, () => stopping, problems));
      const load = await ctx.load(stampedPosts(ctx, `${ctx.queuePath}/messages`, RATE, clock()), 10 * 60_000, (r) => {
        return r.messages >= MESSAGES;
      });
      await receipts.waitFor(load.messages, 15_000);
      const seconds = (clock() - startedAt) / 1000;
      const after = await transactions(ctx.target.statsUrl);
      stopping = true;
      await Promise.all(workers);
      const notes = [
        `post to claim: ${receipts.percentiles()} (${receipts.received} of ${load.messages} claimed)`,
        before === null || after === null
          ? 'database statements: not counted (no --pg-stats for this target)'
          : `database statements: ${Math.round((after - before) / seconds)}/s over ${seconds.toFixed(1)} s`,
      ];
      if (receipts.received < load.messages) problems.push(`${load.messages - receipts.received} never claimed`);
      await ctx.deleteQueue();
      return ctx.result(load, notes, problems);
    },
  };
}

export const claimWait = claimLatency('claim-wait', true);
export const claimPoll = claimLatency('claim-poll', false);
