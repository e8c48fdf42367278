import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { OpenAPIObject } from '@nestjs/swagger';
import { BACKENDS, postgresBackend, type TestBackend } from '../support/backends';
import { FIXTURE_QUEUE } from '../support/fuzz/field-values';
import { type FuzzSurface, type FuzzTargets, fuzzPass } from '../support/fuzz/fuzz-run';
import { type Operation, operationsOf } from '../support/fuzz/http-cases';
import { send } from '../support/fuzz/http-send';
import { Known } from '../support/fuzz/known';
import { learnFromHttp } from '../support/fuzz/learning';
import { Tally } from '../support/fuzz/oracle';
import type { ActionFields } from '../support/fuzz/socket-cases';
import type { RouteInventory } from '../support/route-inventory';
import { freePort, startServer, type StartedServer } from '../support/server';
import { inspectorEnv, mebibytes, type MemoryReading, ServerMemory } from '../support/server-memory';

/**
 * Hostile input over every REST route (as the server's own /openapi.json lists them), every action
 * of Zaqar's WebSocket protocol and every Socket.IO event, mixed with valid requests that keep a
 * queue with messages, claims and subscriptions to point ids at. fast-check draws the requests;
 * every answer must be a 4xx with Zaqar's error body (or a 2xx where the input was in fact valid),
 * never a 5xx, a hang or a dropped connection; the servers live on, and their memory after a full
 * collection returns to what it was after a warm-up.
 *
 * FUZZ_RUNS requests per back end (CI: the default; `npm run fuzz`: 100,000), in two passes: seed
 * 27, then a random one (printed with every violation and in the summary). FUZZ_SEED=N runs one
 * pass of seed N, to replay a failure.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 3_000);
const TIMEOUT_MS = Number(process.env.FUZZ_TIMEOUT_MS ?? 10_000);
const FIXED_SEED = 27;
const SEEDS = process.env.FUZZ_SEED
  ? [Number(process.env.FUZZ_SEED)]
  : [FIXED_SEED, Math.floor(Math.random() * 2 ** 31)];
/** Requests of the warm-up before the baseline reading: code paths compiled, caches and pools filled. */
const WARM_UP_RUNS = Math.min(300, Math.ceil(RUNS / 10));
/** What the V8 heap may keep after the run beyond the baseline, after a full collection. */
const HEAP_TOLERANCE_BYTES = 24 * 1_048_576;
/** Open files beyond the baseline: a few pooled connections may still be open. */
const FILE_TOLERANCE = 16;

const REPO = path.resolve(__dirname, '../..');
const run = promisify(execFile);

/** The socket actions the server's action table holds, from the compiled route-inventory script. */
async function socketActions(): Promise<Record<string, ActionFields>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'zaqar-fuzz-inventory-'));
  try {
    const { stdout } = await run(process.execPath, [path.join(REPO, 'dist/test/support/route-inventory.js')], {
      env: { ...process.env, STORAGE_URL: `sqlite:${path.join(dir, 'zaqar.db')}`, WS_PORT: 'off', LOG_LEVEL: 'warn' },
      maxBuffer: 16 * 1024 * 1024,
    });
    return (JSON.parse(stdout) as RouteInventory).socketActionFields as Record<string, ActionFields>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let actions: Record<string, ActionFields>;
beforeAll(async () => {
  actions = await socketActions();
});

describe.each(BACKENDS)('fuzzing every route and socket action [%s]', (name, makeBackend) => {
  const backends: TestBackend[] = [];
  let dir: string;
  let plain: StartedServer;
  let pooled: StartedServer;
  const memories: Partial<Record<'plain' | 'pooled', ServerMemory>> = {};
  const baseline: Partial<Record<'plain' | 'pooled', MemoryReading>> = {};
  let surface: FuzzSurface;
  let targets: FuzzTargets;
  const tally = new Tally();
  const caller = { project: `fuzz-${randomUUID()}`, clientId: randomUUID() };

  const fresh = async () => {
    const backend = await makeBackend();
    backends.push(backend);
    return backend;
  };

  /** A set-up request that must succeed; what it answers is learnt like any fuzzed answer. */
  const setUp = async (
    server: 'plain' | 'pooled',
    method: string,
    target: string,
    json: unknown,
    admin = false,
    project = caller.project,
  ) => {
    const headers: Array<[string, string]> = [
      ['X-Project-ID', project],
      ['Client-ID', caller.clientId],
      ['Content-Type', 'application/json'],
      ...(admin ? [['X-Roles', 'admin'] as [string, string]] : []),
    ];
    const wire = { method, target, headers, body: Buffer.from(JSON.stringify(json)), framing: 'plain' as const };
    const outcome = await send(wire, targets.ports[server], TIMEOUT_MS);
    if (outcome.kind !== 'answer' || outcome.answer.status >= 300) {
      throw new Error(`set-up ${method} ${target}: ${JSON.stringify(outcome).slice(0, 400)}`);
    }
    learnFromHttp(method, target, outcome.answer, targets.known[server]);
  };

  const documentOf = async (server: StartedServer): Promise<OpenAPIObject> =>
    (await fetch(`${server.url}/openapi.json`)).json() as Promise<OpenAPIObject>;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'zaqar-fuzz-'));
    const [plainStore, pooledStore] = [await fresh(), await fresh()];
    // pool stores of the back end's own kind; a relative sqlite path would land in the server's cwd
    const poolUris =
      name === 'sqlite'
        ? ['a', 'b', 'c'].map((n) => `sqlite:${path.join(dir, `pool-${n}.db`)}`)
        : await Promise.all([postgresBackend(), postgresBackend()]).then((stores) => {
            backends.push(...stores);
            return stores.map((store) => store.url);
          });
    const [websocketPort, deadPort, plainInspector, pooledInspector] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const common = {
      SMTP_PORT: String(deadPort),
      WEBHOOK_CONNECT_TIMEOUT_MS: '500',
      WEBHOOK_RESPONSE_TIMEOUT_MS: '1000',
    };
    [plain, pooled] = await Promise.all([
      startServer({
        storageUrl: plainStore.url,
        cwd: dir,
        env: {
          ...common,
          ...inspectorEnv(plainInspector),
          WS_PORT: String(websocketPort),
          ENABLE_DEPRECATED_API_VERSIONS: '1.1',
          SIGNED_URL_SECRET_KEY: 'fuzz-signing-key',
          MESSAGE_ENCRYPTION_KEY: 'fuzz-encryption-key-0123456789',
          ENABLE_CHECKSUM: 'on',
        },
      }),
      startServer({
        storageUrl: pooledStore.url,
        cwd: dir,
        env: { ...common, ...inspectorEnv(pooledInspector), POOLING: 'on' },
      }),
    ]);
    memories.plain = await ServerMemory.attach(plainInspector, plain.process.pid!);
    memories.pooled = await ServerMemory.attach(pooledInspector, pooled.process.pid!);

    // every route of the plain server there; the pooled server's own (pools, flavors) on it
    const [plainDocument, pooledDocument] = await Promise.all([documentOf(plain), documentOf(pooled)]);
    const plainOperations = operationsOf(plainDocument, 'plain');
    const served = new Set(plainOperations.map((o) => o.key));
    const pooledOperations = operationsOf(pooledDocument, 'pooled').filter((o: Operation) => !served.has(o.key));
    const components = { ...plainDocument.components!.schemas, ...pooledDocument.components!.schemas };
    surface = {
      operations: [...plainOperations, ...pooledOperations],
      components,
      actions,
      setting: { deadPort, poolUris },
      caller,
    };
    targets = {
      ports: { plain: plain.port, pooled: pooled.port },
      websocketPort,
      known: { plain: new Known(), pooled: new Known() },
    };

    const hook = { subscriber: `http://127.0.0.1:${deadPort}/hook`, ttl: 86_400 };
    for (const space of ['queues', 'topics'] as const) {
      const queue = `/v2/${space}/${FIXTURE_QUEUE[space]}`;
      await setUp('plain', 'PUT', queue, {});
      await setUp('plain', 'POST', `${queue}/messages`, {
        messages: Array.from({ length: 10 }, (_, n) => ({ body: { n }, ttl: 86_400 })),
      });
      await setUp('plain', 'POST', `${queue}/subscriptions`, hook);
    }
    await setUp('plain', 'POST', `/v2/queues/${FIXTURE_QUEUE.queues}/claims?limit=5`, { ttl: 43_200, grace: 43_200 });
    await setUp('plain', 'POST', `/v2/queues/${FIXTURE_QUEUE.queues}/share`, {
      methods: ['GET', 'POST', 'DELETE'],
      paths: ['messages', 'claims'],
    });
    await setUp('pooled', 'PUT', '/v2/pools/fz-pool-a', { uri: poolUris[0], weight: 1 }, true);
    await setUp('pooled', 'PUT', '/v2/flavors/fz-flavor-a', { pool_list: ['fz-pool-a'] }, true);
    // a queue of a project the fuzzer never acts in keeps fz-pool-a in use, so it is never deleted
    await setUp('pooled', 'PUT', '/v2/queues/anchor', {}, false, `anchor-${randomUUID()}`);

    await fuzzPass(surface, targets, tally, { seed: FIXED_SEED - 1, runs: WARM_UP_RUNS, timeoutMs: TIMEOUT_MS });
    baseline.plain = await memories.plain.read();
    baseline.pooled = await memories.pooled.read();
  }, 120_000);

  afterAll(async () => {
    for (const memory of Object.values(memories)) memory?.close();
    await Promise.all([plain, pooled].map((server) => server?.kill()));
    await Promise.all(backends.map((backend) => backend.drop()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const passTimeout = 60_000 + RUNS * 50;

  it(
    "answers every hostile request with 4xx and Zaqar's error body (or 2xx where valid), never 5xx, a hang or a dropped connection",
    async () => {
      const started = Date.now();
      const runs = Math.max(1, Math.round((RUNS - WARM_UP_RUNS) / SEEDS.length));
      for (const seed of SEEDS) await fuzzPass(surface, targets, tally, { seed, runs, timeoutMs: TIMEOUT_MS });
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(`\n${tally.summary(`fuzz [${name}] seeds ${SEEDS.join(', ')}, ${seconds} s`)}\n`);
      for (const violation of tally.violations)
        process.stdout.write(`  ${violation.channel} ${violation.where}: ${violation.what}\n    ${violation.input}\n`);

      expect(tally.violations).toEqual([]);
      const untried = [
        ...surface.operations.map((o) => `http ${o.key}`),
        ...[...Object.keys(actions), 'authenticate'].flatMap((action) => [
          `websocket ${action}`,
          `socket.io ${action}`,
        ]),
      ].filter((where) => !tally.covered.has(where));
      expect(untried).toEqual([]);
    },
    passTimeout,
  );

  it('leaves both servers running, /v2/ping answering 204, and no request failed unexpectedly even unseen', async () => {
    const headers = { 'X-Project-ID': caller.project, 'Client-ID': caller.clientId };
    for (const server of [plain, pooled]) {
      expect([server.process.exitCode, server.process.signalCode]).toEqual([null, null]);
      expect((await fetch(`${server.url}/v2/ping`, { headers })).status).toBe(204);
      // what answered 503 (REST) or 500 (sockets), or would have had the client stayed to hear it
      const metrics = await (
        await fetch(`${server.url}/metrics`, { headers: { ...headers, 'X-Roles': 'admin' } })
      ).text();
      expect([server.url, /^zaqar_storage_errors_total (\S+)$/m.exec(metrics)?.[1]]).toEqual([server.url, '0']);
    }
  });

  it('gives back its memory: heap and open files after a full collection are as after the warm-up', async () => {
    const report: string[] = [];
    for (const server of ['plain', 'pooled'] as const) {
      const before = baseline[server]!;
      const after = await memories[server]!.read();
      report.push(
        `${server}: heap ${mebibytes(before.heapUsedBytes)} → ${mebibytes(after.heapUsedBytes)}, ` +
          `RSS ${mebibytes(before.residentBytes)} → ${mebibytes(after.residentBytes)}, open files ${before.openFiles} → ${after.openFiles}`,
      );
      expect([server, after.heapUsedBytes]).toEqual([server, expect.any(Number)]);
      expect(after.heapUsedBytes).toBeLessThanOrEqual(before.heapUsedBytes + HEAP_TOLERANCE_BYTES);
      expect(after.openFiles).toBeLessThanOrEqual(before.openFiles + FILE_TOLERANCE);
    }
    process.stdout.write(`fuzz [${name}] memory: ${report.join('; ')}\n`);
  });
});
