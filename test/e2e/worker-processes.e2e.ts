import { spawn, spawnSync } from 'node:child_process';
import { BACKENDS, TestBackend } from '../support/backends';
import { freePort, MAIN, runToExit, startServer, StartedServer } from '../support/server';
import { pollUntil } from './auth-support';
import { lastSegment, ZaqarClient } from './client';

/** Process ids of the children of `pid` (the worker processes of a primary). */
function childrenOf(pid: number): number[] {
  const out = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout;
  return out
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((n) => n > 0);
}

/** Waits (up to 15 s) until `probe` returns something, and fails naming `what` if it never does. */
async function until<T>(what: string, probe: () => T | undefined): Promise<T> {
  const { result } = await pollUntil(
    async () => probe(),
    (value) => value !== undefined,
    15_000,
  );
  if (result === undefined) throw new Error(`timed out waiting for ${what}`);
  return result;
}

describe.each(BACKENDS)('WORKERS=2 on %s', (_name, makeBackend) => {
  let backend: TestBackend;
  let server: StartedServer | undefined;

  beforeAll(async () => {
    backend = await makeBackend();
  });

  afterAll(async () => {
    await server?.kill('SIGKILL');
    await backend?.drop();
  });

  it('serves from two processes, replaces one killed mid-load, and stops them all on SIGTERM', async () => {
    server = await startServer({ storageUrl: backend.url, env: { WORKERS: '2' } });
    const primary = server.process.pid!;
    // Killed before its sibling listens, the one listening worker would take the port down with it
    // until the replacement listens (the primary listens only while a worker does).
    const listening = () => server!.output().match(/server worker \d+ listening/g)?.length ?? 0;
    const first = await until('two workers listening', () =>
      listening() === 2 && childrenOf(primary).length === 2 ? childrenOf(primary) : undefined,
    );
    const client = new ZaqarClient(server.url);

    // producers on separate connections keep posting while one worker is killed
    const acknowledged: string[] = [];
    let failed = 0;
    let stop = false;
    const producers = Array.from({ length: 8 }, async (_, p) => {
      for (let i = 0; !stop; i++) {
        try {
          const res = await client.request('POST', '/v2/queues/shared/messages', {
            json: { messages: [{ body: { p, i } }] },
            timeoutMs: 5_000,
          });
          if (res.status === 201) acknowledged.push(...res.body.resources.map(lastSegment));
        } catch {
          // A connection the killed worker held: never acknowledged. That includes one the primary
          // had just handed to it, which Node's cluster then neither closes nor serves: the client
          // only learns by its own timeout.
          failed++;
        }
      }
    });
    await until('posts', () => (acknowledged.length >= 100 ? true : undefined));
    process.kill(first[0], 'SIGKILL');
    const replaced = await until('a replacement worker', () => {
      const now = childrenOf(primary);
      return now.length === 2 && !now.includes(first[0]) && listening() === 3 ? now : undefined;
    });
    expect(replaced).toContain(first[1]);
    const afterKill = acknowledged.length;
    await until('posts after the replacement', () => (acknowledged.length >= afterKill + 100 ? true : undefined));
    stop = true;
    await Promise.all(producers);
    expect(failed).toBeLessThan(8 * 2);

    // every acknowledged message is in the one shared store, whichever process took it
    const stored = new Set<string>();
    let page = '/v2/queues/shared/messages?echo=true&limit=20';
    for (;;) {
      const res = await client.request('GET', page);
      expect(res.status).toBe(200);
      if (res.body.messages.length === 0) break;
      for (const message of res.body.messages) stored.add(message.id);
      page = res.body.links[0].href;
    }
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);

    const workers = childrenOf(primary);
    const exited = new Promise<number | null>((resolve) => server!.process.once('exit', (code) => resolve(code)));
    server.process.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  });
});

describe('WORKERS that cannot be', () => {
  it.each(['0', '65', 'two'])('WORKERS=%s stops the server at start with a clear message', (value) => {
    const { status, stderr } = runToExit({ WORKERS: value, STORAGE_URL: 'sqlite::memory:' });
    expect(status).toBe(1);
    expect(stderr).toMatch(/WORKERS must be/);
  });
});

describe('WORKERS=2 with storage that cannot open', () => {
  it('stops with an error instead of starting workers in a loop', () => {
    // nothing listens on port 1: every worker fails before it listens
    const { status, stderr } = runToExit({ WORKERS: '2', STORAGE_URL: 'postgres://postgres@127.0.0.1:1/none' });
    expect(status).toBe(1);
    expect(stderr).toMatch(/before it listened; stopping/);
  });
});

describe('WORKERS=2 with a worker killed while it starts', () => {
  it('replaces it, as any killed worker, instead of stopping the server', async () => {
    const port = await freePort();
    const primary = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        WS_PORT: 'off',
        WORKERS: '2',
        STORAGE_URL: 'sqlite::memory:',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    primary.stderr!.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => primary.once('exit', (code) => resolve(code)));
    try {
      // a worker takes a second or more to load and listen; this one is killed long before
      const [starting] = await until('two workers', () =>
        childrenOf(primary.pid!).length === 2 ? childrenOf(primary.pid!) : undefined,
      );
      expect(stderr).not.toMatch(/listening/);
      process.kill(starting, 'SIGKILL');

      await until('two workers listening', () =>
        (stderr.match(/server worker \d+ listening/g)?.length ?? 0) === 2 ? true : undefined,
      );
      expect(childrenOf(primary.pid!)).not.toContain(starting);
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(300);
    } finally {
      primary.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).not.toMatch(/stopping/);
  });
});
