/**
 * What PostgreSQL alone sustains for the worker cycle: the PostgreSQL provider's claim statement
 * and its bulk delete by ids and claim ids, run by pgbench (8 clients), one cycle per pgbench
 * transaction, so "HTTP worker cycles/s ÷ pgbench cycles/s" shows what the HTTP layer costs.
 *
 * Nothing here restates the provider's SQL. Each round opens the real driver (openPostgresDriver)
 * in a scratch schema of the given database, so its own migrations make the tables and its own
 * post fills the queue; then it claims and deletes twice while every statement sent through pg is
 * recorded, with its values and rows. The recorded statements become the pgbench script, changed
 * only where pgbench needs it:
 *  - the claim id, a parameter made by randomUUID() in the provider, is made by gen_random_uuid();
 *  - the claim's rows are folded into one row for \gset (ids and claim id for the delete, and any
 *    value the provider feeds back into its next claim, such as the queue head it caches);
 *  - the other parameters stay parameters (-M prepared, untyped like pg's), with the recorded
 *    values (the clock is the round's start; a claim lasts 60 s, longer than a round).
 *
 * Autovacuum is off on this machine and a claim+delete churn leaves dead rows, so every round
 * starts from a VACUUMed table, topped up with enough messages not to run dry.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as pg from 'pg';
import { openPostgresDriver } from '../src/storage/postgres/postgres.driver';
import type { QueueRef, StorageDriver } from '../src/storage/storage.contract';

const SCHEMA = 'zaqar_pgbench';
const REF: QueueRef = { project: 'pgbench', queue: 'work' };
const BATCH = 10;
const CLAIM = { ttl: 60, grace: 60, limit: BATCH };

export interface PgbenchOptions {
  url: string;
  clients: number;
  seconds: number;
  rounds: number;
}

export interface PgbenchRound {
  tps: number;
  latencyMs: number;
  /** Free messages after the round (0 would mean it ran dry). */
  left: number;
}

export interface PgbenchResult {
  clients: number;
  seconds: number;
  batch: number;
  source: string;
  rounds: PgbenchRound[];
  best: number;
  problems: string[];
}

// ---------------------------------------------------------------------------------------------
// Recording what the driver sends

interface Recorded {
  text: string;
  values: unknown[];
  rows: Record<string, unknown>[];
}

let recording: Recorded[] | null = null;

/** Wraps pg.Pool#query once, so that the driver's statements can be recorded while `recording` is set. */
function installRecorder(): void {
  const proto = pg.Pool.prototype as unknown as { query: (...args: unknown[]) => unknown; __benchRecorder?: true };
  if (proto.__benchRecorder) return;
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const log = recording;
    const result = original.apply(this, args);
    if (!log || typeof args[args.length - 1] === 'function') return result;
    const config = args[0] as string | { text: string; values?: unknown[] };
    const text = typeof config === 'string' ? config : config.text;
    const values = (typeof config === 'string' ? args[1] : config.values) as unknown[] | undefined;
    const entry: Recorded = { text, values: values ?? [], rows: [] };
    log.push(entry);
    return (result as Promise<{ rows: Record<string, unknown>[] }>).then((res) => {
      entry.rows = res.rows;
      return res;
    });
  };
  proto.__benchRecorder = true;
}

async function record<T>(work: () => Promise<T>): Promise<{ value: T; statements: Recorded[] }> {
  const statements: Recorded[] = [];
  recording = statements;
  try {
    return { value: await work(), statements };
  } finally {
    recording = null;
  }
}

/** The driver's own upkeep (statistics, VACUUM), which can run while a call is recorded. */
const MAINTENANCE = /^\s*(VACUUM|ANALYZE)\b|\bpg_(class|stat\w*)\b/i;

function only(statements: Recorded[], what: string): Recorded {
  const hot = statements.filter((s) => !MAINTENANCE.test(s.text));
  if (hot.length !== 1) {
    const texts = hot.map((s) => s.text.trim().replace(/\s+/g, ' ').slice(0, 60)).join(' | ');
    throw new Error(`${what} now sends ${hot.length} statements (${texts}); bench/pgbench.ts expects one`);
  }
  return hot[0];
}

// ---------------------------------------------------------------------------------------------
// Turning recorded statements into a pgbench script

/** A PostgreSQL text literal for a recorded value, as pg would send it. */
function pgText(value: unknown): string {
  if (Array.isArray(value)) return `{${value.map((v) => `"${String(v).replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
  if (value === null || value === undefined) throw new Error('a NULL parameter cannot be given to pgbench with -D');
  return String(value);
}

const sameSet = (a: unknown, b: string[]) =>
  Array.isArray(a) && a.length === b.length && [...a].map(String).sort().join() === [...b].sort().join();

/**
 * Splits `WITH a AS (…), b AS (…) main` into its CTE list and main statement (quotes, comments
 * and parentheses respected); a statement without WITH is all main.
 */
function splitWith(sql: string): { ctes: string; main: string } {
  const text = sql.trim();
  if (!/^WITH\s/i.test(text)) return { ctes: '', main: text };
  let i = 4;
  let depth = 0;
  let lastCteEnd = -1;
  while (i < text.length) {
    const c = text[i];
    if (c === "'" || c === '"') {
      i = text.indexOf(c, i + 1) + 1;
      if (i === 0) break;
      continue;
    }
    if (c === '-' && text[i + 1] === '-') {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol;
      continue;
    }
    if (c === '(') depth++;
    if (c === ')' && --depth === 0) {
      lastCteEnd = i;
      const rest = text.slice(i + 1).trimStart();
      if (!rest.startsWith(',')) return { ctes: text.slice(5, i + 1).trim(), main: rest };
    }
    i++;
  }
  throw new Error(`cannot split the WITH list of: ${text.slice(0, 80)} (last CTE ended at ${lastCteEnd})`);
}

interface Script {
  text: string;
  /** -D name=value for pgbench. */
  variables: Record<string, string>;
}

/**
 * The pgbench script from two recorded claim+delete cycles (the second shows which parameters the
 * provider feeds from one claim into the next).
 */
function buildScript(
  first: { claim: Recorded; claimId: string; ids: string[]; del: Recorded },
  second: { claim: Recorded; claimId: string },
): Script {
  const variables: Record<string, string> = {};
  const feedback: string[] = [];
  const claimParams = first.claim.values.map((v1, i) => {
    const v2 = second.claim.values[i];
    if (v1 === first.claimId && v2 === second.claimId) return '(SELECT id FROM bench_claim)';
    // a batch of claims (see PgClaimStore) names its claims in an array
    if (sameSet(v1, [first.claimId]) && sameSet(v2, [second.claimId])) return 'ARRAY[(SELECT id FROM bench_claim)]';
    if (pgText(v1) === pgText(v2)) {
      variables[`c${i + 1}`] = pgText(v1);
      return `:c${i + 1}`;
    }
    // changes from one claim to the next: it must come from the first claim's result
    const column = Object.keys(first.claim.rows[0] ?? {}).find((col) =>
      first.claim.rows.some((row) => row[col] !== null && String(row[col]) === pgText(v2)),
    );
    if (!column || !/^\w+$/.test(column)) {
      throw new Error(
        `claim parameter $${i + 1} changes between claims (${pgText(v1)} → ${pgText(v2)}) and no result column explains it`,
      );
    }
    variables[`fb_${column}`] = pgText(v1);
    feedback.push(column);
    return `:fb_${column}`;
  });
  const deleteParams = first.del.values.map((v, i) => {
    if (sameSet(v, first.ids)) return ':ids';
    if (sameSet(v, [first.claimId])) return ':cids';
    if (v === first.claimId) return ':cid';
    variables[`d${i + 1}`] = pgText(v);
    return `:d${i + 1}`;
  });
  const bind = (sql: string, params: string[]) => sql.replace(/\$(\d+)/g, (_, n: string) => params[Number(n) - 1]);

  const claim = splitWith(bind(first.claim.text, claimParams));
  if (!first.claim.rows.some((row) => 'id' in row)) throw new Error('the claim statement returns no `id` column');
  const folded = [
    "COALESCE(array_agg(id) FILTER (WHERE id IS NOT NULL), '{}') AS ids",
    'ARRAY[(SELECT id FROM bench_claim)] AS cids',
    '(SELECT id FROM bench_claim) AS cid',
    // a feedback value stays as it was when the claim reports none
    ...feedback.map((col) => `COALESCE(max(${col})::text, :fb_${col}) AS fb_${col}`),
  ];
  const claimSql =
    'WITH bench_claim AS (SELECT gen_random_uuid() AS id), ' +
    (claim.ctes ? `${claim.ctes}, ` : '') +
    `bench_rows AS (${claim.main}) SELECT ${folded.join(', ')} FROM bench_rows`;
  const deleteSql = bind(first.del.text, deleteParams);
  const oneLine = (sql: string) => sql.trim().replace(/\s*\n\s*/g, ' ');
  return { text: `${oneLine(claimSql)}\n\\gset\n${oneLine(deleteSql)};\n`, variables };
}

// ---------------------------------------------------------------------------------------------
// Running

function pgbenchBinary(): string {
  const candidates = (process.env.PATH ?? '').split(':').map((dir) => path.join(dir, 'pgbench'));
  const versions = fs.existsSync('/usr/lib/postgresql') ? fs.readdirSync('/usr/lib/postgresql').sort().reverse() : [];
  candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin/pgbench`));
  const found = candidates.find((file) => fs.existsSync(file));
  if (!found) throw new Error('pgbench not found (PATH, /usr/lib/postgresql/*/bin)');
  return found;
}

/** A fresh scratch schema (created in a database made on the fly if needed); returns its URL. */
async function scratchSchema(url: string): Promise<string> {
  let client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (err) {
    if ((err as { code?: string }).code !== '3D000') throw err;
    const admin = new URL(url);
    const name = decodeURIComponent(admin.pathname.slice(1));
    admin.pathname = '/postgres';
    const maintenance = new pg.Client({ connectionString: admin.toString() });
    await maintenance.connect();
    await maintenance.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    await maintenance.end();
    client = new pg.Client({ connectionString: url });
    await client.connect();
  }
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await client.query(`CREATE SCHEMA ${SCHEMA}`);
  } finally {
    await client.end();
  }
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${SCHEMA}`);
  return scoped.toString();
}

async function topUp(driver: StorageDriver, count: number, now: number): Promise<void> {
  const body = { event: 'BackupStarted', backup_id: 'c378813c-3f0b-11e2-ad92-7823d2b0f3ce' };
  const clientId = randomUUID();
  for (let left = count; left > 0; left -= 1000) {
    const messages = Array.from({ length: Math.min(1000, left) }, () => ({ body, ttl: 3600, delay: 0 }));
    await driver.messages.post(REF, clientId, messages, now);
  }
}

/**
 * Recorded claim+delete cycles through the real driver, turned into the round's script. The
 * first cycle only primes the driver's caches (the queue head starts unknown); the second is the
 * one scripted, and the third shows what the provider feeds from one claim into the next.
 */
async function captureScript(driver: StorageDriver, now: number): Promise<Script> {
  const cycle = async () => {
    const claim = await record(() => driver.claims.create(REF, CLAIM, now));
    const ids = claim.value.messages.map((m) => m.id);
    if (ids.length === 0) throw new Error('the recorded claim found no message');
    const del = await record(() => driver.messages.deleteMany(REF, ids, [claim.value.claimId], now));
    if (del.value.refused.length > 0) throw new Error('the recorded delete was refused');
    return {
      claim: only(claim.statements, 'ClaimStore.create'),
      claimId: claim.value.claimId,
      ids,
      del: only(del.statements, 'MessageStore.deleteMany'),
    };
  };
  await cycle();
  const scripted = await cycle();
  return buildScript(scripted, await cycle());
}

function runProcess(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`pgbench exited with ${code}:\n${out}`)),
    );
  });
}

export async function runPgbench(options: PgbenchOptions, progress: (line: string) => void): Promise<PgbenchResult> {
  const binary = pgbenchBinary();
  installRecorder();
  const url = await scratchSchema(options.url);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zaqar-pgbench-'));
  const result: PgbenchResult = {
    clients: options.clients,
    seconds: options.seconds,
    batch: BATCH,
    source: 'recorded through openPostgresDriver from ClaimStore.create and MessageStore.deleteMany',
    rounds: [],
    best: 0,
    problems: [],
  };
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    let want = 300_000;
    for (let round = 1; round <= options.rounds; round++) {
      const now = Date.now();
      const filler = await openPostgresDriver(url);
      try {
        const free = (await filler.queues.stats(REF, now)).free;
        if (free < want) await topUp(filler, want - free, now - 1000);
      } finally {
        // closing waits for the upkeep the inserts started, which must not be recorded as claim SQL
        await filler.close();
      }
      const driver = await openPostgresDriver(url);
      let script: Script;
      try {
        script = await captureScript(driver, now);
      } finally {
        await driver.close();
      }
      const file = path.join(dir, `claim-delete-${round}.sql`);
      fs.writeFileSync(file, script.text);
      if (round === 1) progress(`pgbench: ${binary}, script ${file}`);
      // the claims of earlier rounds lost their messages; the provider's sweep would drop them
      await admin.query('DELETE FROM claims');
      await admin.query('VACUUM (ANALYZE) messages, claims, queues');
      await admin.query('CHECKPOINT');
      const jobs = Math.min(options.clients, os.cpus().length);
      const args = ['-n', '-M', 'prepared', '-c', String(options.clients), '-j', String(jobs)];
      args.push('-T', String(options.seconds), '-f', file);
      for (const [name, value] of Object.entries(script.variables)) args.push('-D', `${name}=${value}`);
      args.push(options.url);
      const out = await runProcess(binary, args, { ...process.env, PGOPTIONS: `-c search_path=${SCHEMA}` });
      const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1]);
      const latencyMs = Number(/latency average = ([\d.]+) ms/.exec(out)?.[1]);
      const failedTx = Number(/number of failed transactions: (\d+)/.exec(out)?.[1] ?? 0);
      if (!Number.isFinite(tps)) throw new Error(`cannot read pgbench's output:\n${out}`);
      const left = Number((await admin.query('SELECT count(*) AS n FROM messages WHERE claim_id IS NULL')).rows[0].n);
      result.rounds.push({ tps, latencyMs, left });
      progress(
        `pgbench round ${round}: ${tps.toFixed(0)} cycles/s, ${(tps * BATCH).toFixed(0)} messages/s, ` +
          `latency ${latencyMs} ms, ${left} messages left`,
      );
      if (failedTx > 0) result.problems.push(`round ${round}: ${failedTx} failed transactions`);
      if (left === 0) result.problems.push(`round ${round} ran dry (the rate is understated)`);
      want = Math.max(want, Math.ceil(tps * BATCH * options.seconds * 1.5));
    }
    result.best = Math.max(...result.rounds.map((r) => r.tps));
    await admin.query(`DROP SCHEMA ${SCHEMA} CASCADE`);
  } finally {
    await admin.end();
  }
  return result;
}
