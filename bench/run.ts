/**
 * npm run bench — load benchmark of Zaqar API v2 servers, ours and the reference, side by side.
 *
 *   npm run bench                                         # http://127.0.0.1:8888
 *   npm run bench http://127.0.0.1:8888 http://127.0.0.1:8889
 *   BENCH_LABELS=ours-pg,zaqar npm run bench http://127.0.0.1:8888 http://127.0.0.1:8889
 *   npm run bench -- --pgbench postgres://postgres@127.0.0.1:5432/zaqar_bench [URL ...]
 *   npm run bench -- --scenarios post1,ws-post1,worker,ws-worker --ws-port 9000 http://127.0.0.1:8888
 *   npm run bench -- --scenarios push --ws-port 9000 --push-via http://127.0.0.1:8889 http://127.0.0.1:8888
 *   npx ts-node bench/run.ts ...                          # without building
 *
 * Scenarios (each run gets a fresh project and queue): post1, post10, list, worker, stats, queue;
 * see scenarios.ts. On request only: fanout (10 webhook subscribers; deliveries/s and
 * post-to-receipt latency; BENCH_FANOUT_MESSAGES, 1000; BENCH_FANOUT_RATE posts/s), see fanout.ts;
 * and over Zaqar's WebSocket protocol (socket-scenarios.ts; needs --ws-port): ws-post1, ws-post10
 * and ws-worker, the work of post1, post10 and worker on one persistent socket per connection with
 * one request in flight, reported next to their REST counterparts when those ran too; push, a
 * socket subscription on the target and messages posted over REST, BENCH_PUSH_RATE (50) per
 * second for --seconds, to the --push-via process or the target itself: post-to-push latency;
 * claim-wait and claim-poll, post-to-claim latency of long-polling workers and of workers polling
 * every 100 ms (BENCH_CLAIM_WORKERS 8, BENCH_CLAIM_MESSAGES 500, BENCH_CLAIM_RATE 50 posts/s),
 * with the database's statements per second given --pg-stats; see claim-latency.ts.
 * Each scenario runs against every target in turn (A, B, then the next scenario) so that machine
 * noise hits all targets alike. Progress goes to stderr, the Markdown report to stdout; the exit
 * status is 1 when anything failed (errors, non-2xx, a check).
 *
 * Options (flag, or environment variable):
 *   --seconds N      BENCH_SECONDS          measured time per scenario and target (10)
 *   --repeat N       BENCH_REPEAT           rounds of every scenario (A, B, A, B, …; a ws-* scenario
 *                                          and its REST counterpart take turns round by round);
 *                                          tables show the median round, failures of all rounds (1)
 *   --warmup N       BENCH_WARMUP_SECONDS   warm-up before each measurement (1)
 *   --connections N  BENCH_CONNECTIONS      concurrent connections (32)
 *   --labels a,b     BENCH_LABELS           target labels, in URL order (default: the URLs)
 *   --scenarios a,b  BENCH_SCENARIOS        subset of scenarios, in the given order
 *   --ws-port P,…    BENCH_WS_PORTS         WebSocket port (WS_PORT) of each target, in URL order;
 *                                          with a single target 9000, the server's default
 *   --push-via U,…   BENCH_PUSH_VIA         push only: for each target, in URL order, the REST URL of
 *                                          another process sharing its store and REDIS_URL to post
 *                                          to (default: the target itself)
 *   --pg-stats U,…   BENCH_PG_STATS         claim-wait/claim-poll: each target's PostgreSQL database
 *                                          URL ('-' for none), in URL order, to count its statements
 *   --pgbench URL    BENCH_PGBENCH_URL      also run the pgbench claim+delete baseline on that database
 *   --pgbench-rounds N  BENCH_PGBENCH_ROUNDS  pgbench rounds, VACUUM between them (3)
 *   --json FILE      BENCH_JSON             also write the raw numbers as JSON
 *   BENCH_WORKER_PREFILL=N   fixed worker prefill (default: sized from a probe of the claim rate)
 *   BENCH_DEBUG=1            stack traces on failure
 */
import * as fs from 'node:fs';
import { LatencyRecord, type LoadResult } from './load';
import { runPgbench, type PgbenchResult } from './pgbench';
import { combineRuns, failures, markdown, progressLine, rates, type Report } from './report';
import { SOCKET_SCENARIOS } from './socket-scenarios';
import {
  RunContext,
  SCENARIOS,
  type BenchSettings,
  type Scenario,
  type ScenarioResult,
  type Target,
} from './scenarios';

interface Args {
  urls: string[];
  flags: Map<string, string>;
}

const FLAGS = [
  'seconds',
  'repeat',
  'warmup',
  'connections',
  'labels',
  'scenarios',
  'ws-port',
  'push-via',
  'pg-stats',
  'pgbench',
  'pgbench-rounds',
  'json',
];

function parseArgs(argv: string[]): Args {
  const urls: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      urls.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s);
    if (name === 'help') usage(0);
    if (!FLAGS.includes(name)) usage(2, `unknown option --${name}`);
    const value = inline ?? argv[++i];
    if (value === undefined) usage(2, `--${name} needs a value`);
    flags.set(name, value);
  }
  return { urls, flags };
}

function usage(code: number, message?: string): never {
  if (message) process.stderr.write(`bench: ${message}\n`);
  const text = fs.readFileSync(__filename, 'utf8');
  const comment = /\/\*\*([\s\S]*?)\*\//.exec(text)?.[1] ?? '';
  process.stderr.write(comment.replace(/^ \* ?/gm, '') + '\n');
  process.exit(code);
}

function option(args: Args, flag: string, env: string): string | undefined {
  return args.flags.get(flag) ?? (process.env[env] || undefined);
}

function numberOption(args: Args, flag: string, env: string, fallback: number): number {
  const raw = option(args, flag, env);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) usage(2, `--${flag} / ${env} must be a number, not "${raw}"`);
  return value;
}

function toTarget(
  url: string,
  label: string,
  wsPort: number | null = null,
  pushVia: Target | null = null,
  statsUrl: string | null = null,
): Target {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:') usage(2, `only http:// targets are supported: ${url}`);
  return {
    label,
    url,
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: Number(parsed.port || 80),
    prefix: parsed.pathname.replace(/\/+$/, ''),
    wsPort,
    pushVia,
    statsUrl,
  };
}

/** A comma-separated option with one entry per target, or none; `fallback` when absent. */
function perTarget(args: Args, flag: string, env: string, count: number, fallback: string[]): string[] {
  const raw = option(args, flag, env);
  if (raw === undefined) return fallback;
  const values = raw.split(',').map((v) => v.trim());
  if (values.length !== count) usage(2, `--${flag} / ${env} needs one value per target (${count}), not "${raw}"`);
  return values;
}

function wsPorts(args: Args, count: number): Array<number | null> {
  const ports = perTarget(args, 'ws-port', 'BENCH_WS_PORTS', count, count === 1 ? ['9000'] : []);
  return Array.from({ length: count }, (_, i) => {
    if (ports[i] === undefined) return null;
    const port = Number(ports[i]);
    if (!Number.isInteger(port) || port <= 0) usage(2, `--ws-port: "${ports[i]}" is not a port`);
    return port;
  });
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/**
 * The scenarios in the groups they run in, each round of a group going through all of its
 * scenarios: a socket scenario shares a group with its REST counterpart when both were asked for,
 * so that the two run minutes apart at most (this machine's speed drifts on that scale).
 */
function runGroups(scenarios: Scenario[]): Scenario[][] {
  const groups: Scenario[][] = [];
  for (const s of scenarios) {
    const pair = groups.find((g) => g.some((o) => o.name === s.restCounterpart || o.restCounterpart === s.name));
    if (pair) pair.push(s);
    else groups.push([s]);
  }
  return groups;
}

/** A target that does not answer is a setup mistake: say so before spending minutes. */
async function preflight(target: Target, settings: BenchSettings): Promise<void> {
  const ctx = new RunContext('preflight', target, 'bench-preflight', 'preflight', settings);
  try {
    await ctx.expect([200, 204], 'GET', `${target.prefix}/v2/ping`);
  } catch (err) {
    throw new Error(`${target.label} (${target.url}) does not answer GET /v2/ping: ${(err as Error).message}`);
  }
}

/** One scenario on one target; a failed set-up (prefill, check, clean-up) still gives a row, marked failed. */
async function runOne(scenario: Scenario, ctx: RunContext): Promise<ScenarioResult> {
  try {
    // a target that went away is one failure, not ten seconds of refused connections
    await preflight(ctx.target, ctx.settings);
    return await scenario.run(ctx);
  } catch (err) {
    const message = (err as Error).message;
    log(`!!! ${scenario.name} on ${ctx.target.label} failed: ${message}`);
    const empty: LoadResult = {
      elapsedMs: NaN,
      ops: 0,
      requests: 0,
      messages: 0,
      non2xx: 0,
      errors: 1,
      empty: 0,
      latency: new LatencyRecord(),
      requestLatency: new LatencyRecord(),
      clientCpuMs: 0,
      errorSamples: [message],
    };
    return ctx.result(empty);
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const pgbenchUrl = option(args, 'pgbench', 'BENCH_PGBENCH_URL');
  const urls = args.urls.length > 0 ? args.urls : pgbenchUrl ? [] : ['http://127.0.0.1:8888'];
  const labels = (option(args, 'labels', 'BENCH_LABELS') ?? '').split(',').map((l) => l.trim());
  const ports = wsPorts(args, urls.length);
  const via = perTarget(args, 'push-via', 'BENCH_PUSH_VIA', urls.length, []);
  const stats = perTarget(args, 'pg-stats', 'BENCH_PG_STATS', urls.length, []);
  const label = (url: string, i: number) => labels[i] || url.replace(/^http:\/\//, '');
  const targets = urls.map((url, i) => {
    const pushVia = via[i] ? toTarget(via[i], `${label(url, i)} via ${via[i]}`) : null;
    return toTarget(url, label(url, i), ports[i], pushVia, stats[i] && stats[i] !== '-' ? stats[i] : null);
  });
  const seconds = numberOption(args, 'seconds', 'BENCH_SECONDS', 10);
  const repeat = Math.max(1, Math.round(numberOption(args, 'repeat', 'BENCH_REPEAT', 1)));
  const fixedPrefill = process.env.BENCH_WORKER_PREFILL;
  const settings: BenchSettings = {
    connections: numberOption(args, 'connections', 'BENCH_CONNECTIONS', 32),
    durationMs: seconds * 1000,
    warmupMs: numberOption(args, 'warmup', 'BENCH_WARMUP_SECONDS', 1) * 1000,
    timeoutMs: 10_000,
    fill: 1000,
    workerPrefill: fixedPrefill ? Number(fixedPrefill) : 20_000,
    workerPrefillFixed: !!fixedPrefill,
    prefillBatch: 50,
  };
  const wanted = option(args, 'scenarios', 'BENCH_SCENARIOS')
    ?.split(',')
    .map((s) => s.trim());
  const all = [...SCENARIOS, ...SOCKET_SCENARIOS];
  const scenarios = wanted
    ? wanted.map(
        (name) =>
          all.find((s) => s.name === name) ?? usage(2, `no scenario "${name}" (${all.map((s) => s.name).join(', ')})`),
      )
    : all.filter((s) => !s.onRequest);
  if (scenarios.some((s) => s.needsWebSocket) && ports.includes(null)) {
    usage(2, "the ws-* and push scenarios need each target's WebSocket port: --ws-port");
  }

  for (const target of targets) {
    await preflight(target, settings);
    if (target.pushVia) await preflight(target.pushVia, settings);
  }
  const runId = Date.now().toString(36);
  log(
    `bench ${runId}: ${targets.map((t) => `${t.label} = ${t.url}`).join(', ') || 'no HTTP targets'}; ` +
      `${settings.connections} connections, ${seconds} s per scenario`,
  );

  // pgbench first: a provider change it cannot follow shows up before minutes of HTTP runs
  let pgbench: PgbenchResult | null = null;
  let pgbenchError: string | null = null;
  if (pgbenchUrl) {
    const rounds = numberOption(args, 'pgbench-rounds', 'BENCH_PGBENCH_ROUNDS', 3);
    try {
      pgbench = await runPgbench({ url: pgbenchUrl, clients: 8, seconds, rounds }, log);
    } catch (err) {
      pgbenchError = (err as Error).message;
      log(`!!! pgbench failed: ${pgbenchError}`);
    }
  }

  const results: ScenarioResult[] = [];
  for (const group of runGroups(scenarios)) {
    const runs = new Map(group.map((s) => [s, new Map<Target, ScenarioResult[]>(targets.map((t) => [t, []]))]));
    for (let round = 0; round < repeat; round++) {
      for (const scenario of group) {
        for (const [i, target] of targets.entries()) {
          const project = `bench-${runId}-${scenario.name}-${i}-${round}`;
          const queue = `bench_${scenario.name}`;
          const ctx = new RunContext(scenario.name, target, project, queue, settings, undefined, scenario.queues);
          const result = await runOne(scenario, ctx);
          runs.get(scenario)!.get(target)!.push(result);
          log(progressLine(result, scenario));
          for (const note of result.notes) log(`        ${note}`);
        }
      }
    }
    for (const scenario of group) {
      for (const target of targets) results.push(combineRuns(runs.get(scenario)!.get(target)!));
    }
  }

  const report: Report = {
    seconds,
    repeat,
    connections: settings.connections,
    targets,
    scenarios,
    results,
    pgbench,
    pgbenchError,
  };
  process.stdout.write(`\n${markdown(report)}\n`);

  const jsonFile = option(args, 'json', 'BENCH_JSON');
  if (jsonFile) {
    const raw = results.map((r) => ({
      scenario: r.scenario,
      target: r.target.label,
      url: r.target.url,
      ...rates(r),
      non2xx: r.non2xx,
      errors: r.errors,
      problems: r.problems,
    }));
    fs.writeFileSync(
      jsonFile,
      JSON.stringify({ seconds, connections: settings.connections, results: raw, pgbench }, null, 2),
    );
  }

  const bad = failures(report);
  if (bad.length > 0) {
    log('\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!');
    log('!!! BENCHMARK FAILURES: the numbers above are not trustworthy !!!');
    log('!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!');
    for (const line of bad) log(line);
    process.exitCode = 1;
  }
}

main().catch((err: Error) => {
  log(`bench: ${process.env.BENCH_DEBUG ? err.stack : err.message}`);
  process.exit(1);
});
