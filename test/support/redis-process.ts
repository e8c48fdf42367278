import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './server';

/** What a Redis keeps across a restart: nothing, or every write (an fsynced append-only file). */
export type RedisPersistence = 'none' | 'aof';

/**
 * A redis-server of the test's own on a free port, never the shared one: a test may kill it and
 * start it again on the same port. A missing redis-server fails the test, it does not skip it.
 */
export class RedisProcess {
  private child?: ChildProcess;
  private log = '';

  private constructor(
    readonly port: number,
    private readonly persistence: RedisPersistence,
    private readonly dir: string,
  ) {}

  static async start(persistence: RedisPersistence = 'none'): Promise<RedisProcess> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zaqar-redis-'));
    let lastError: unknown;
    // freePort's port may be taken by someone else before redis binds it: try a few
    for (let attempt = 0; attempt < 3; attempt++) {
      const redis = new RedisProcess(await freePort(), persistence, dir);
      try {
        await redis.restart();
        return redis;
      } catch (error) {
        lastError = error;
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
    throw lastError;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    const child = this.child;
    return child?.pid !== undefined && child.exitCode === null && child.signalCode === null;
  }

  /** Starts it (again) on its port; resolves once it accepts connections. */
  async restart(): Promise<void> {
    if (this.running) throw new Error('redis is running');
    const save =
      this.persistence === 'aof' ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--dir', this.dir, ...save];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.log = '';
    child.stdout!.on('data', (chunk) => (this.log += chunk));
    child.stderr!.on('data', (chunk) => (this.log += chunk));
    let spawnError: Error | undefined;
    child.on('error', (error) => (spawnError = error));
    const deadline = Date.now() + 10_000;
    while (!/Ready to accept connections/.test(this.log)) {
      const why = spawnError
        ? `did not start (is it installed?): ${spawnError.message}`
        : !this.running
          ? 'exited'
          : Date.now() > deadline
            ? 'was not ready within 10 s'
            : undefined;
      if (why) {
        await this.kill();
        throw new Error(`redis-server on port ${this.port} ${why}:\n${this.log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Stops it by a signal (SIGKILL: a crash, nothing flushed) and waits for the exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  }

  /** Kills it and removes its files. */
  async stop(): Promise<void> {
    await this.kill();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
