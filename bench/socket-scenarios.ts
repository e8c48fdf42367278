/**
 * The scenarios over Zaqar's WebSocket protocol: posting and the worker cycle as their REST
 * counterparts do them (same queue, same messages, one persistent socket per connection with one
 * request in flight), and push, the post-to-receipt latency of a socket subscription.
 */
import { Receipts, clock, stampedPosts } from './post-to-receipt';
import {
  ClaimLedger,
  SAMPLE_MESSAGE,
  snippet,
  working,
  type RunContext,
  type Scenario,
  type Target,
} from './scenarios';
import { SocketConnection, requestFrame } from './socket-connection';
import type { Operation } from './load';

/** push: posts per second, and how long the pushes still outstanding after the last post are waited for. */
const PUSH_RATE = Number(process.env.BENCH_PUSH_RATE ?? 50);
const PUSH_DRAIN_MS = 30_000;

export function socketUrl(target: Target): string {
  if (target.wsPort === null) throw new Error(`no WebSocket port for ${target.label}: give --ws-port`);
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `ws://${host}:${target.wsPort}/`;
}

/** A factory of the target's sockets, for RunContext.loadOver. */
function sockets(ctx: RunContext): () => SocketConnection {
  const url = socketUrl(ctx.target);
  return () => new SocketConnection(url);
}

function socketPosting(name: string, perRequest: number, restCounterpart: string): Scenario {
  return {
    name,
    operation: `message_post with ${perRequest} message${perRequest > 1 ? 's' : ''}`,
    countsMessages: true,
    onRequest: true,
    needsWebSocket: true,
    restCounterpart,
    async run(ctx) {
      const messages = Array(perRequest).fill(SAMPLE_MESSAGE);
      const frame = requestFrame('message_post', ctx.frameHeaders, { queue_name: ctx.queue, messages });
      const op: Operation<SocketConnection> = async (conn) => {
        const answer = await conn.request(frame);
        if (answer.status === 201) return { requests: 1, non2xx: 0, messages: perRequest };
        ctx.log.note(`message_post answered ${answer.status}`);
        return { requests: 1, non2xx: 1, messages: 0 };
      };
      const load = await ctx.measureOver(sockets(ctx), op);
      await ctx.deleteQueue();
      return ctx.result(load);
    },
  };
}

/** Claim 10, then delete exactly those with one message_delete_many naming the claim, as REST's worker. */
function workerOperation(ctx: RunContext, ledger: ClaimLedger): Operation<SocketConnection> {
  const claim = requestFrame('claim_create', ctx.frameHeaders, {
    queue_name: ctx.queue,
    limit: 10,
    ttl: 60,
    grace: 60,
  });
  return async (conn) => {
    const claimed = await conn.request(claim, true);
    if (claimed.status === 204) return { requests: 1, non2xx: 0, messages: 0, empty: true };
    if (claimed.status !== 201) {
      ctx.log.note(`claim_create answered ${claimed.status}: ${snippet(JSON.stringify(claimed.body))}`);
      return { requests: 1, non2xx: 1, messages: 0 };
    }
    const body = claimed.body as { claim_id: string; messages: Array<{ id: string }> };
    const ids = body.messages.map((m) => m.id);
    if (ids.length === 0) return { requests: 1, non2xx: 0, messages: 0, empty: true };
    ledger.add(ids);
    const del = { queue_name: ctx.queue, message_ids: ids, claim_ids: [body.claim_id] };
    const deleted = await conn.request(requestFrame('message_delete_many', ctx.frameHeaders, del));
    if (deleted.status !== 204) {
      ctx.log.note(`message_delete_many answered ${deleted.status}`);
      return { requests: 2, non2xx: 1, messages: 0 };
    }
    return { requests: 2, non2xx: 0, messages: ids.length };
  };
}

const socketWorker = working(
  {
    name: 'ws-worker',
    operation: 'claim_create (limit 10, ttl 60, grace 60), then message_delete_many with message_ids and claim_ids',
    onRequest: true,
    needsWebSocket: true,
    restCounterpart: 'worker',
  },
  (ctx, ledger) => {
    const op = workerOperation(ctx, ledger);
    const connect = sockets(ctx);
    return (durationMs, stopWhen) => ctx.loadOver(connect, op, durationMs, stopWhen);
  },
);

/**
 * A socket subscription (subscription_create without a subscriber) on the target's WebSocket, and
 * messages posted over REST at a fixed rate to the target's --push-via process, or to the target
 * itself: the time from each post to its push. Across processes the push goes through Redis.
 */
const push: Scenario = {
  name: 'push',
  operation: `POST 1 message (to the --push-via process), ${PUSH_RATE} per second, pushed to a socket subscription`,
  countsMessages: true,
  onRequest: true,
  needsWebSocket: true,
  async run(ctx) {
    const poster = ctx.target.pushVia ? ctx.on(ctx.target.pushVia) : ctx;
    const receipts = new Receipts();
    const socket = new SocketConnection(socketUrl(ctx.target), (frame, at) => receipts.record(frame, at));
    try {
      await poster.expect([201, 204], 'PUT', poster.queuePath, '{}');
      const subscribe = requestFrame('subscription_create', ctx.frameHeaders, { queue_name: ctx.queue, ttl: 3600 });
      const created = await socket.request(subscribe, true);
      if (created.status !== 201) {
        throw new Error(`subscription_create answered ${created.status}: ${snippet(JSON.stringify(created.body))}`);
      }
      const path = `${poster.queuePath}/messages`;
      const posts = (durationMs: number) => poster.load(stampedPosts(poster, path, PUSH_RATE, clock()), durationMs);
      if (ctx.settings.warmupMs > 0) {
        const warm = await posts(ctx.settings.warmupMs);
        ctx.unmeasured(warm);
        await receipts.waitFor(warm.messages, PUSH_DRAIN_MS);
        receipts.reset();
      }
      const load = await posts(ctx.settings.durationMs);
      await receipts.waitFor(load.messages, PUSH_DRAIN_MS);
      const via = poster === ctx ? 'the same process' : `${poster.target.label}, another process`;
      const notes = [
        `posted to ${via}; ${receipts.received} of ${load.messages} pushes arrived`,
        `post to push: ${receipts.percentiles()}`,
      ];
      const missing = load.messages - receipts.received;
      const problems = missing > 0 ? [`${missing} pushes never arrived`] : [];
      await poster.deleteQueue();
      return ctx.result(load, notes, problems);
    } finally {
      socket.close();
    }
  },
};

export const SOCKET_SCENARIOS: Scenario[] = [
  socketPosting('ws-post1', 1, 'post1'),
  socketPosting('ws-post10', 10, 'post10'),
  socketWorker,
  push,
];
