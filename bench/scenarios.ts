/**
 * The benchmark scenarios. Each run gets its own project and queue, prepares them (prefill),
 * warms up, measures for the fixed time, checks what it can and deletes its queue.
 */
import { randomUUID } from 'node:crypto';
import {
  FailureLog,
  HttpConnection,
  HttpResponse,
  LoadConnection,
  LoadResult,
  Operation,
  OpOutcome,
  buildRequest,
  forEachConcurrent,
  headerBlock,
  runLoad,
} from './load';
import { claimPoll, claimWait } from './claim-latency';
import { fanout } from './fanout';

export interface Target {
  label: string;
  url: string;
  host: string;
  port: number;
  /** Path prefix of the base URL, without a trailing slash ('' usually). */
  prefix: string;
  /** Port of Zaqar's WebSocket protocol on the same host, for the ws-* and push scenarios. */
  wsPort: number | null;
  /** For push: another process of the same deployment (store and Redis) the messages are posted to. */
  pushVia: Target | null;
  /** Its PostgreSQL database, for the statement counts of claim-wait and claim-poll (--pg-stats). */
  statsUrl: string | null;
}

export interface BenchSettings {
  connections: number;
  durationMs: number;
  warmupMs: number;
  timeoutMs: number;
  /** Messages in the queue for list and stats. */
  fill: number;
  /** First prefill of the worker queue; grown from a probe of the claim rate unless fixed. */
  workerPrefill: number;
  workerPrefillFixed: boolean;
  /** Messages per POST when prefilling. */
  prefillBatch: number;
}

export interface ScenarioResult extends LoadResult {
  scenario: string;
  target: Target;
  /** Things to know about the run (prefill size, checks that passed). */
  notes: string[];
  /** Things that went wrong besides errors and non-2xx (duplicate claims, a queue that ran dry). */
  problems: string[];
}

export interface Scenario {
  name: string;
  /** One line for the report: what one operation is. */
  operation: string;
  countsMessages: boolean;
  /** Run only when named in --scenarios. */
  onRequest?: boolean;
  /** Speaks Zaqar's WebSocket protocol to the target (its wsPort). */
  needsWebSocket?: boolean;
  /** The REST scenario this one does over the WebSocket protocol, for the socket ÷ REST table. */
  restCounterpart?: string;
  /** Queues the run spreads its connections over (1). */
  queues?: number;
  run(ctx: RunContext): Promise<ScenarioResult>;
}

/** Everything one scenario run against one target needs. */
export class RunContext {
  readonly clientId = randomUUID();
  readonly headers: string;
  /** The same headers for the WebSocket protocol's frames. */
  readonly frameHeaders: Record<string, string>;
  /** The first of queuePaths: what a run on one queue uses. */
  readonly queuePath: string;
  /** The run's queues: `queue`, or `queue_0` … when the run spreads over several. */
  readonly queuePaths: string[];
  /** Errors and non-2xx seen outside the measured run (warm-up, probe). */
  unmeasuredFailures = 0;

  constructor(
    readonly scenario: string,
    readonly target: Target,
    readonly project: string,
    readonly queue: string,
    readonly settings: BenchSettings,
    readonly log = new FailureLog(),
    readonly queueCount = 1,
  ) {
    this.headers = headerBlock(`${target.host}:${target.port}`, {
      'User-Agent': 'zaqar-ts-bench',
      'Content-Type': 'application/json',
      'X-Project-ID': project,
      'Client-ID': this.clientId,
    });
    this.frameHeaders = { 'Client-ID': this.clientId, 'X-Project-ID': project };
    const base = `${target.prefix}/v2/queues/${queue}`;
    this.queuePaths = queueCount === 1 ? [base] : Array.from({ length: queueCount }, (_, i) => `${base}_${i}`);
    this.queuePath = this.queuePaths[0];
  }

  /** This run's project, queue and failure log on another target (push: the process posted to). */
  on(target: Target): RunContext {
    return new RunContext(this.scenario, target, this.project, this.queue, this.settings, this.log, this.queueCount);
  }

  request(method: string, path: string, body?: string): Buffer {
    return buildRequest(method, path, this.headers, body);
  }

  /** One request outside the measurement; a failure here aborts the run with a clear message. */
  async call(method: string, path: string, body?: string, conn?: HttpConnection): Promise<HttpResponse> {
    const own = conn ?? new HttpConnection(this.target.host, this.target.port);
    try {
      return await own.request(this.request(method, path, body), true);
    } finally {
      if (!conn) own.close();
    }
  }

  async expect(
    status: number[],
    method: string,
    path: string,
    body?: string,
    conn?: HttpConnection,
  ): Promise<HttpResponse> {
    const res = await this.call(method, path, body, conn);
    if (!status.includes(res.status)) {
      throw new Error(`${this.target.label}: ${method} ${path} answered ${res.status}: ${snippet(res.body)}`);
    }
    return res;
  }

  readonly http = (): HttpConnection => new HttpConnection(this.target.host, this.target.port);

  load(op: Operation, durationMs: number, stopWhen?: (r: LoadResult) => boolean): Promise<LoadResult> {
    return this.loadOver(this.http, op, durationMs, stopWhen);
  }

  /** The load on connections of another kind (WebSockets). */
  loadOver<C extends LoadConnection>(
    connect: () => C,
    op: Operation<C>,
    durationMs: number,
    stopWhen?: (r: LoadResult) => boolean,
  ): Promise<LoadResult> {
    const { connections, timeoutMs } = this.settings;
    return runLoad({ connect, connections, durationMs, timeoutMs, stopWhen }, op, this.log);
  }

  /** Warm-up (both sides' JIT, caches, connection set-up), then the measured run. */
  measure(op: Operation): Promise<LoadResult> {
    return this.measureOver(this.http, op);
  }

  async measureOver<C extends LoadConnection>(connect: () => C, op: Operation<C>): Promise<LoadResult> {
    if (this.settings.warmupMs > 0) this.unmeasured(await this.loadOver(connect, op, this.settings.warmupMs));
    return this.loadOver(connect, op, this.settings.durationMs);
  }

  /** Counts a warm-up's failures (reported as a problem) and clears the samples for the real run. */
  unmeasured(load: LoadResult): void {
    this.unmeasuredFailures += load.errors + load.non2xx;
    if (load.errors + load.non2xx === 0) this.log.samples.length = 0;
  }

  /**
   * One operation per queue, built by `build`: each connection keeps to one queue, the
   * connections taking the queues in turn.
   */
  perQueue<C extends LoadConnection>(build: (queuePath: string) => Operation<C>): Operation<C> {
    const ops = this.queuePaths.map(build);
    const lanes = new WeakMap<C, Operation<C>>();
    let next = 0;
    return (conn) => {
      let op = lanes.get(conn);
      if (!op) lanes.set(conn, (op = ops[next++ % ops.length]));
      return op(conn);
    };
  }

  /** Posts `count` messages, `prefillBatch` per request, on all connections at once, over the run's queues. */
  async prefill(count: number): Promise<void> {
    const batch = this.settings.prefillBatch;
    const sizes: number[] = [];
    for (let left = count; left > 0; left -= batch) sizes.push(Math.min(batch, left));
    const conns = Array.from(
      { length: this.settings.connections },
      () => new HttpConnection(this.target.host, this.target.port),
    );
    try {
      await forEachConcurrent(sizes, conns.length, async (size, lane, index) => {
        const path = `${this.queuePaths[index % this.queuePaths.length]}/messages`;
        await this.expect([201], 'POST', path, messagesBody(size), conns[lane]);
      });
    } finally {
      for (const conn of conns) conn.close();
    }
  }

  /** The stats of the run's queues, summed. */
  async stats(): Promise<{ claimed: number; free: number; total: number }> {
    const sum = { claimed: 0, free: 0, total: 0 };
    for (const path of this.queuePaths) {
      const res = await this.expect([200], 'GET', `${path}/stats`);
      const { messages } = JSON.parse(res.body!.toString()) as { messages: typeof sum };
      for (const key of ['claimed', 'free', 'total'] as const) sum[key] += messages[key];
    }
    return sum;
  }

  /** Deletes the run's queues; the reference answers 503 ("try again in a few seconds") while busy. */
  async deleteQueue(): Promise<void> {
    for (const path of this.queuePaths) {
      for (let attempt = 1; ; attempt++) {
        const res = await this.call('DELETE', path);
        if (res.status === 204) break;
        if (res.status !== 503 || attempt === 10) {
          throw new Error(`${this.target.label}: DELETE ${path} answered ${res.status}: ${snippet(res.body)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  result(load: LoadResult, notes: string[] = [], problems: string[] = []): ScenarioResult {
    if (this.unmeasuredFailures > 0) problems.push(`${this.unmeasuredFailures} errors or non-2xx during the warm-up`);
    if (load.requests > 0)
      notes.push(`load generator CPU: ${Math.round((load.clientCpuMs * 1000) / load.requests)} µs per request`);
    return { ...load, scenario: this.scenario, target: this.target, notes, problems };
  }
}

export function snippet(body: Buffer | string | null): string {
  const text = body ? body.toString().replace(/\s+/g, ' ') : '';
  return text.length > 200 ? `${text.slice(0, 200)}…` : text || '(no body)';
}

/** A message like Zaqar's own samples. */
export const SAMPLE_MESSAGE = {
  ttl: 3600,
  body: { event: 'BackupStarted', backup_id: 'c378813c-3f0b-11e2-ad92-7823d2b0f3ce' },
};

function messagesBody(count: number): string {
  return JSON.stringify({ messages: Array(count).fill(SAMPLE_MESSAGE) });
}

/** A single-request operation: counts `messages` when the status is 2xx, notes the first failures. */
function single(ctx: RunContext, bytes: Buffer, messages: number): Operation {
  const what = bytes.toString('latin1', 0, bytes.indexOf(' HTTP/1.1'));
  return async (conn) => {
    const res = await conn.request(bytes, false);
    if (res.status >= 200 && res.status < 300) return { requests: 1, non2xx: 0, messages };
    ctx.log.note(`${what} answered ${res.status}`);
    return { requests: 1, non2xx: 1, messages: 0 };
  };
}

function posting(name: string, perRequest: number, queues = 1): Scenario {
  const where = queues === 1 ? '' : ` spread over ${queues} queues`;
  return {
    name,
    operation: `POST /v2/queues/{q}/messages with ${perRequest} message${perRequest > 1 ? 's' : ''}${where}`,
    countsMessages: true,
    queues,
    onRequest: queues > 1,
    async run(ctx) {
      const body = messagesBody(perRequest);
      const op = ctx.perQueue((path) => single(ctx, ctx.request('POST', `${path}/messages`, body), perRequest));
      const load = await ctx.measure(op);
      await ctx.deleteQueue();
      return ctx.result(load);
    },
  };
}

const list: Scenario = {
  name: 'list',
  operation: 'GET /v2/queues/{q}/messages?echo=true&limit=10 on ~1,000 messages',
  countsMessages: true,
  async run(ctx) {
    await ctx.prefill(ctx.settings.fill);
    const path = `${ctx.queuePath}/messages?echo=true&limit=10`;
    const page = await ctx.expect([200], 'GET', path);
    const got = (JSON.parse(page.body!.toString()) as { messages: unknown[] }).messages.length;
    const problems = got === 10 ? [] : [`a page holds ${got} messages, not 10`];
    const load = await ctx.measure(single(ctx, ctx.request('GET', path), got));
    await ctx.deleteQueue();
    return ctx.result(load, [`${ctx.settings.fill} messages in the queue`], problems);
  },
};

const stats: Scenario = {
  name: 'stats',
  operation: 'GET /v2/queues/{q}/stats on ~1,000 messages',
  countsMessages: false,
  async run(ctx) {
    await ctx.prefill(ctx.settings.fill);
    const before = await ctx.stats();
    const problems =
      before.total === ctx.settings.fill
        ? []
        : [`stats say ${before.total} messages, ${ctx.settings.fill} were posted`];
    const load = await ctx.measure(single(ctx, ctx.request('GET', `${ctx.queuePath}/stats`), 0));
    await ctx.deleteQueue();
    return ctx.result(load, [], problems);
  },
};

const queue: Scenario = {
  name: 'queue',
  operation: 'PUT /v2/queues/{new name} then DELETE it',
  countsMessages: false,
  async run(ctx) {
    let n = 0;
    const tag = ctx.clientId.slice(0, 8);
    const op: Operation = async (conn) => {
      const path = `${ctx.target.prefix}/v2/queues/b${tag}_${n++}`;
      const outcome: OpOutcome = { requests: 2, non2xx: 0, messages: 0 };
      const created = await conn.request(ctx.request('PUT', path, '{}'));
      if (created.status !== 201) {
        outcome.non2xx++;
        ctx.log.note(`PUT queue answered ${created.status}`);
      }
      const deleted = await conn.request(ctx.request('DELETE', path));
      if (deleted.status !== 204) {
        outcome.non2xx++;
        ctx.log.note(`DELETE queue answered ${deleted.status}`);
      }
      return outcome;
    };
    return ctx.result(await ctx.measure(op));
  },
};

/** Every id claimed so far, and how many came twice (a claim that handed out a claimed message). */
export class ClaimLedger {
  private readonly seen = new Set<string>();
  duplicates = 0;

  add(ids: string[]): void {
    for (const id of ids) {
      if (this.seen.has(id)) this.duplicates++;
      else this.seen.add(id);
    }
  }
}

/** Runs a worker cycle on all connections for `durationMs`, or until `stopWhen`. */
export type WorkerLoad = (durationMs: number, stopWhen?: (r: LoadResult) => boolean) => Promise<LoadResult>;

/** Claim 10, then delete exactly those with one bulk delete naming the claim: on each of the run's queues. */
function workerOperation(ctx: RunContext, ledger: ClaimLedger): Operation {
  return ctx.perQueue((path) => workerCycle(ctx, path, ledger));
}

function workerCycle(ctx: RunContext, queuePath: string, ledger: ClaimLedger): Operation {
  const claim = ctx.request('POST', `${queuePath}/claims?limit=10`, '{"ttl":60,"grace":60}');
  return async (conn) => {
    const claimed = await conn.request(claim, true);
    if (claimed.status === 204) return { requests: 1, non2xx: 0, messages: 0, empty: true };
    if (claimed.status !== 201) {
      ctx.log.note(`claim answered ${claimed.status}: ${snippet(claimed.body)}`);
      return { requests: 1, non2xx: 1, messages: 0 };
    }
    const body = JSON.parse(claimed.body!.toString()) as { messages: Array<{ id: string; href: string }> };
    const ids = body.messages.map((m) => m.id);
    if (ids.length === 0) return { requests: 1, non2xx: 0, messages: 0, empty: true };
    const claimId = claimIdOf(claimed.location, body.messages[0]?.href);
    ledger.add(ids);
    const del = ctx.request('DELETE', `${queuePath}/messages?ids=${ids.join(',')}&claim_ids=${claimId}`);
    const deleted = await conn.request(del);
    if (deleted.status !== 204) {
      ctx.log.note(`bulk delete answered ${deleted.status}`);
      return { requests: 2, non2xx: 1, messages: 0 };
    }
    return { requests: 2, non2xx: 0, messages: ids.length };
  };
}

function claimIdOf(location: string | null, href: string | undefined): string {
  const fromHref = href ? /[?&]claim_id=([^&]+)/.exec(href)?.[1] : undefined;
  const id = location?.slice(location.lastIndexOf('/') + 1) ?? fromHref;
  if (!id) throw new Error('claim response names no claim (no Location, no claim_id in hrefs)');
  return id;
}

/**
 * The worker scenario over any transport: `cycles` gives the load of claim-then-delete cycles that
 * report each claimed id to the ledger.
 */
export function working(
  scenario: Pick<Scenario, 'name' | 'operation' | 'onRequest' | 'needsWebSocket' | 'restCounterpart' | 'queues'>,
  cycles: (ctx: RunContext, ledger: ClaimLedger) => WorkerLoad,
): Scenario {
  return { ...scenario, countsMessages: true, run: (ctx) => work(ctx, cycles) };
}

async function work(ctx: RunContext, cycles: (ctx: RunContext, ledger: ClaimLedger) => WorkerLoad) {
  const s = ctx.settings;
  const ledger = new ClaimLedger();
  const load = cycles(ctx, ledger);
  let posted = s.workerPrefill;
  let consumed = 0;
  await ctx.prefill(posted);
  // A warm-up, then a one-second probe of the warm claim rate: the queue is then filled for the
  // whole run, with room to spare, and no producer competes for the server while it is measured.
  // A probe that runs dry measures too little, so the queue is refilled and the probe repeated.
  const dry = (r: LoadResult) => r.empty > 0;
  let rate = 0;
  for (let attempt = 0; ; attempt++) {
    const warm = await load(s.warmupMs, dry);
    const probe = await load(1000, dry);
    ctx.unmeasured(warm);
    ctx.unmeasured(probe);
    consumed += warm.messages + probe.messages;
    rate = probe.messages / (probe.elapsedMs / 1000);
    if (probe.empty === 0 || s.workerPrefillFixed || attempt === 3) break;
    const more = 4 * (warm.messages + probe.messages) + 2 * s.prefillBatch * s.connections;
    await ctx.prefill(more);
    posted += more;
  }
  if (!s.workerPrefillFixed) {
    // Three times what the probe's rate would consume: a probe that caught a slow second once
    // measured half the run's rate, and with twice the queue ran dry before the end.
    const want = Math.ceil(rate * (s.durationMs / 1000) * 3) + 2 * s.prefillBatch * s.connections;
    const left = posted - consumed;
    if (want > left) {
      await ctx.prefill(want - left);
      posted += want - left;
    }
  }
  const run = await load(s.durationMs);
  const notes = [`${posted} messages posted before the run (probe: ${Math.round(rate)} messages/s)`];
  const problems: string[] = [];
  if (run.empty > 0) problems.push(`the queue ran dry: ${run.empty} claims found nothing (raise BENCH_WORKER_PREFILL)`);
  if (ledger.duplicates > 0) problems.push(`${ledger.duplicates} messages were claimed twice`);
  const expected = posted - consumed - run.messages;
  const after = await ctx.stats();
  if (after.total !== expected || after.claimed !== 0) {
    problems.push(
      `after the run stats say total ${after.total} (claimed ${after.claimed}); expected ${expected} unclaimed`,
    );
  }
  await ctx.deleteQueue();
  return ctx.result(run, notes, problems);
}

const worker = working(
  { name: 'worker', operation: 'claim 10 (ttl 60, grace 60), then bulk DELETE ?ids=…&claim_ids=… (one cycle)' },
  (ctx, ledger) => {
    const op = workerOperation(ctx, ledger);
    return (durationMs, stopWhen) => ctx.load(op, durationMs, stopWhen);
  },
);

/** The worker cycle spread over 4 queues: with pooling on, the queues land on different pools (bench/pooling.sh). */
const worker4 = working(
  { name: 'worker-4q', operation: 'the worker cycle spread over 4 queues', onRequest: true, queues: 4 },
  (ctx, ledger) => {
    const op = workerOperation(ctx, ledger);
    return (durationMs, stopWhen) => ctx.load(op, durationMs, stopWhen);
  },
);

export const SCENARIOS: Scenario[] = [
  posting('post1', 1),
  posting('post10', 10),
  list,
  worker,
  stats,
  queue,
  fanout,
  claimWait,
  claimPoll,
  posting('post1-4q', 1, 4),
  worker4,
];
