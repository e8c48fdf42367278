import { Worker } from 'node:worker_threads';
import type { StorageDriver } from '../storage.contract';
import {
  type Call,
  errorFromShape,
  FORWARDED,
  type Opened,
  type Reply,
  type Store,
  type Target,
} from './driver-thread.protocol';
import { ClosedError } from './group-commit';
import { PendingCalls } from './pending-calls';
import { threadScript } from './thread-script';

/**
 * The embedded store on a thread of its own. better-sqlite3 runs every statement, commit and fsync
 * synchronously; on the server's thread that time is taken from HTTP. Here the database lives in a
 * worker thread (sqlite-thread.entry.ts) and the server thread forwards each storage call to it, so
 * parsing and answering requests overlap with SQL and with waiting for the disk, on a second core.
 * The driver inside the thread is the same openSqliteDriver, with the same guarantees: a write's
 * promise resolves after its commit.
 */
export async function openSqliteThreadDriver(url: string): Promise<StorageDriver> {
  return new SqliteThreadDriver(await startSqliteThread(url));
}

/** Starts the thread and waits until it has opened the database; fails with its error if it could not. */
export async function startSqliteThread(url: string): Promise<Worker> {
  const entry = threadScript('sqlite-thread.entry');
  const worker = new Worker(entry.file, { workerData: url, execArgv: entry.execArgv });
  const opened = await new Promise<Opened>((resolve, reject) => {
    const exited = (code: number) => reject(new Error(`SQLite thread exited with code ${code} while opening`));
    worker.once('message', (message: Opened) => {
      worker.off('error', reject);
      worker.off('exit', exited);
      resolve(message);
    });
    worker.once('error', reject);
    worker.once('exit', exited);
  });
  if (!opened.opened) {
    await worker.terminate();
    throw errorFromShape(opened.error);
  }
  return worker;
}

interface PendingCall {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Forwards every call to a started thread (see startSqliteThread). */
export class SqliteThreadDriver implements StorageDriver {
  readonly queues = this.forwarder('queues') as unknown as StorageDriver['queues'];
  readonly messages = this.forwarder('messages') as unknown as StorageDriver['messages'];
  readonly claims = this.forwarder('claims') as unknown as StorageDriver['claims'];
  readonly subscriptions = this.forwarder('subscriptions') as unknown as StorageDriver['subscriptions'];
  readonly deliveries = this.forwarder('deliveries') as unknown as StorageDriver['deliveries'];
  readonly registry = this.forwarder('registry') as unknown as StorageDriver['registry'];
  private readonly pending = new PendingCalls<PendingCall>();
  /** Why calls are refused: set by close, or by the thread's unexpected end. */
  private stopped: Error | null = null;
  private closing: Promise<void> | null = null;

  constructor(private readonly worker: Worker) {
    worker.on('message', (replies: Reply[]) => {
      for (const reply of replies) this.settle(reply);
    });
    worker.on('error', (error) => this.stop(error));
    worker.on('exit', (code) => this.stop(new Error(`SQLite thread exited with code ${code}`)));
  }

  sweep(now: number) {
    return this.call('driver', 'sweep', [now]) as ReturnType<StorageDriver['sweep']>;
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.call('driver', 'ping', [])) as boolean;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.stopped) return;
      // Calls already sent are answered first: the thread commits queued writes before it closes.
      const closed = this.call('driver', 'close', []);
      this.stopped = new ClosedError();
      await closed;
      await this.worker.terminate();
    })();
    return this.closing;
  }

  private forwarder(store: Store): Record<string, (...args: unknown[]) => Promise<unknown>> {
    const methods: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
    for (const method of Object.keys(FORWARDED[store])) {
      methods[method] = (...args) => this.call(store, method, args);
    }
    return methods;
  }

  private call(target: Target, method: string, args: unknown[]): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.stopped);
    return new Promise((resolve, reject) => {
      const id = this.pending.add({ resolve, reject });
      this.worker.postMessage({ id, target, method, args } satisfies Call);
    });
  }

  private settle(reply: Reply): void {
    const pending = this.pending.take(reply.id);
    if (!pending) return;
    if ('error' in reply) pending.reject(errorFromShape(reply.error));
    else pending.resolve(reply.value);
  }

  /** The thread is gone: every call still waiting fails, and so does every later one. */
  private stop(error: Error): void {
    this.stopped ??= error;
    for (const pending of this.pending.takeAll()) pending.reject(this.stopped);
  }
}
