/** Turns results into a progress line per run and Markdown tables ready for a README. */
import type { PgbenchResult } from './pgbench';
import type { Scenario, ScenarioResult, Target } from './scenarios';

export interface Rates {
  requests: number;
  ops: number;
  messages: number;
  p50: number;
  p99: number;
  /** Per HTTP request, which differs from per operation where an operation chains requests. */
  requestP50: number;
  requestP99: number;
}

export function rates(r: ScenarioResult): Rates {
  const seconds = r.elapsedMs / 1000;
  return {
    requests: r.requests / seconds,
    ops: r.ops / seconds,
    messages: r.messages / seconds,
    p50: r.latency.percentile(50),
    p99: r.latency.percentile(99),
    requestP50: r.requestLatency.percentile(50),
    requestP99: r.requestLatency.percentile(99),
  };
}

function num(x: number): string {
  if (!Number.isFinite(x)) return '–';
  return x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1);
}

function ms(x: number): string {
  if (!Number.isFinite(x)) return '–';
  return x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(2);
}

function ratio(a: number, b: number): string {
  return b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}×` : '–';
}

export function failed(r: ScenarioResult): boolean {
  return r.errors > 0 || r.non2xx > 0 || r.problems.length > 0;
}

/** Several rounds of one scenario on one target → the median round, carrying every round's failures. */
export function combineRuns(runs: ScenarioResult[]): ScenarioResult {
  if (runs.length === 1) return runs[0];
  const ok = (r: ScenarioResult) => (Number.isFinite(r.elapsedMs) ? rates(r).ops : -1);
  const sorted = [...runs].sort((a, b) => ok(a) - ok(b));
  const median = sorted[Math.floor(sorted.length / 2)];
  const sum = (pick: (r: ScenarioResult) => number) => runs.reduce((n, r) => n + pick(r), 0);
  return {
    ...median,
    errors: sum((r) => r.errors),
    non2xx: sum((r) => r.non2xx),
    problems: runs.flatMap((r) => r.problems),
    errorSamples: [...new Set(runs.flatMap((r) => r.errorSamples))].slice(0, 5),
    notes: [...median.notes, `median of ${runs.length} rounds: ${runs.map((r) => num(ok(r))).join(', ')} ops/s`],
  };
}

/** One line per run, printed as soon as the run ends. */
export function progressLine(r: ScenarioResult, s: Scenario): string {
  const x = rates(r);
  const parts = [
    r.scenario.padEnd(9),
    r.target.label.padEnd(14),
    `${num(x.ops).padStart(7)} ops/s`,
    `${num(x.requests).padStart(7)} req/s`,
    s.countsMessages ? `${num(x.messages).padStart(7)} msg/s` : ' '.repeat(13),
    `p50 ${ms(x.p50).padStart(5)} ms`,
    `p99 ${ms(x.p99).padStart(5)} ms`,
    `request p99 ${ms(x.requestP99).padStart(5)} ms`,
    `non-2xx ${r.non2xx}`,
    `errors ${r.errors}`,
  ];
  let line = parts.join('  ');
  if (failed(r)) line += '  <<< FAILURES';
  return line;
}

export interface Report {
  seconds: number;
  repeat: number;
  connections: number;
  targets: Target[];
  scenarios: Scenario[];
  results: ScenarioResult[];
  pgbench: PgbenchResult | null;
  /** Why the pgbench baseline is missing, when it was asked for and failed. */
  pgbenchError: string | null;
}

function table(head: string[], rows: string[][], right: boolean[]): string {
  const lines = [`| ${head.join(' | ')} |`, `|${right.map((r) => (r ? ' ---: ' : ' --- ')).join('|')}|`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

function find(report: Report, scenario: string, target: Target): ScenarioResult | undefined {
  return report.results.find((r) => r.scenario === scenario && r.target === target);
}

export function markdown(report: Report): string {
  const out: string[] = [];
  if (report.targets.length === 0) return report.pgbench ? pgbenchMarkdown(report).join('\n') : '';
  out.push(
    `### Benchmark: ${report.connections} connections, ${report.seconds} s per scenario and target, interleaved`,
    '',
    'Latency is per operation (for worker and queue, the whole two-request cycle), and per HTTP request.' +
      (report.repeat > 1
        ? ` Each row is the median of ${report.repeat} rounds; its failure counts are those of all rounds.`
        : ''),
    '',
  );
  const detailRows: string[][] = [];
  for (const s of report.scenarios) {
    for (const t of report.targets) {
      const r = find(report, s.name, t);
      if (!r) continue;
      const x = rates(r);
      detailRows.push([
        s.name,
        t.label,
        num(x.ops),
        num(x.requests),
        s.countsMessages ? num(x.messages) : '–',
        ms(x.p50),
        ms(x.p99),
        `${ms(x.requestP50)} / ${ms(x.requestP99)}`,
        String(r.non2xx),
        String(r.errors),
      ]);
    }
  }
  out.push(
    table(
      [
        'scenario',
        'target',
        'ops/s',
        'requests/s',
        'messages/s',
        'p50 ms',
        'p99 ms',
        'request p50 / p99 ms',
        'non-2xx',
        'errors',
      ],
      detailRows,
      [false, false, true, true, true, true, true, true, true, true],
    ),
  );

  if (report.targets.length > 1) {
    const [first, ...others] = report.targets;
    const head = ['scenario', ...report.targets.map((t) => `${t.label} ops/s`)];
    head.push(...others.map((o) => `${first.label} ÷ ${o.label}`));
    head.push(...report.targets.map((t) => `${t.label} p50 / p99 ms`));
    const rows: string[][] = [];
    for (const s of report.scenarios) {
      const rs = report.targets.map((t) => find(report, s.name, t));
      if (rs.some((r) => !r)) continue;
      const xs = rs.map((r) => rates(r!));
      rows.push([
        s.name,
        ...xs.map((x) => num(x.ops)),
        ...xs.slice(1).map((x) => ratio(xs[0].ops, x.ops)),
        ...xs.map((x) => `${ms(x.p50)} / ${ms(x.p99)}`),
      ]);
    }
    out.push('', `#### Comparison (ratio = ${first.label} ÷ other, on operations per second)`, '');
    out.push(
      table(
        head,
        rows,
        head.map((_, i) => i > 0),
      ),
    );
  }

  out.push(...socketVersusRest(report));

  out.push('', 'What one operation is:', '');
  for (const s of report.scenarios) out.push(`- **${s.name}**: ${s.operation}`);

  if (report.pgbench) out.push('', ...pgbenchMarkdown(report));
  return out.join('\n');
}

/** For each target, the WebSocket scenarios next to their REST counterparts run alongside. */
function socketVersusRest(report: Report): string[] {
  const rows: string[][] = [];
  for (const t of report.targets) {
    for (const s of report.scenarios) {
      const socket = s.restCounterpart && find(report, s.name, t);
      const rest = s.restCounterpart && find(report, s.restCounterpart, t);
      if (!socket || !rest) continue;
      const [x, y] = [rates(socket), rates(rest)];
      rows.push([
        t.label,
        s.restCounterpart!,
        num(y.ops),
        num(x.ops),
        ratio(x.ops, y.ops),
        `${ms(y.p50)} / ${ms(y.p99)}`,
        `${ms(x.p50)} / ${ms(x.p99)}`,
      ]);
    }
  }
  if (rows.length === 0) return [];
  const head = [
    'target',
    'scenario',
    'REST ops/s',
    'WebSocket ops/s',
    'WS ÷ REST',
    'REST p50 / p99 ms',
    'WS p50 / p99 ms',
  ];
  return [
    '',
    '#### WebSocket ÷ REST (the same work, one request in flight per connection)',
    '',
    table(
      head,
      rows,
      head.map((_, i) => i > 1),
    ),
  ];
}

function pgbenchMarkdown(report: Report): string[] {
  const pg = report.pgbench!;
  const out = [
    `#### PostgreSQL alone (pgbench, ${pg.clients} clients, ${pg.seconds} s per round, VACUUM between rounds)`,
    '',
    `The PostgreSQL provider's claim and delete statements (${pg.source}); one cycle per pgbench transaction.`,
    '',
  ];
  out.push(
    table(
      ['round', 'cycles/s', 'messages/s', 'mean latency ms'],
      pg.rounds.map((r, i) => [String(i + 1), num(r.tps), num(r.tps * pg.batch), ms(r.latencyMs)]),
      [false, true, true, true],
    ),
  );
  const worker = report.scenarios.find((s) => s.name === 'worker');
  if (worker) {
    const lines = report.targets
      .map((t) => find(report, 'worker', t))
      .filter((r): r is ScenarioResult => !!r)
      .map(
        (r) =>
          `- ${r.target.label}: ${num(rates(r).ops)} HTTP cycles/s ÷ ${num(pg.best)} pgbench cycles/s = ${ratio(rates(r).ops, pg.best)}`,
      );
    if (lines.length > 0) out.push('', 'HTTP worker cycle ÷ pgbench cycle (best round):', '', ...lines);
  }
  return out;
}

/** Everything that must not pass silently, or an empty list. */
export function failures(report: Report): string[] {
  const out: string[] = [];
  for (const r of report.results) {
    if (!failed(r)) continue;
    out.push(`${r.scenario} on ${r.target.label}: ${r.errors} errors, ${r.non2xx} non-2xx`);
    for (const p of r.problems) out.push(`    problem: ${p}`);
    for (const s of r.errorSamples) out.push(`    first seen: ${s}`);
  }
  if (report.pgbench) for (const p of report.pgbench.problems) out.push(`pgbench: ${p}`);
  if (report.pgbenchError) out.push(`pgbench failed: ${report.pgbenchError}`);
  return out;
}
