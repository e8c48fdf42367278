import { Worker } from 'node:worker_threads';
import { Logger } from '@nestjs/common';
import { threadScript } from './thread-script';
import { type CheckpointerData, CLOSING, COMMITS } from './wal-checkpointer.protocol';

/**
 * Copies the WAL back into the database file on a thread of its own, so that the thread that
 * commits does not stop for it.
 *
 * Left to itself, SQLite checkpoints on the committing connection: the commit that takes the WAL
 * past `wal_autocheckpoint` pages also copies them into the database file and fsyncs it, and every
 * write queued behind it waits (8% of the SQLite thread's time on the post10 benchmark). Here a
 * second connection, on a second thread, runs a PASSIVE checkpoint a few milliseconds after
 * commits: it copies what is committed without taking the write lock, so commits go on meanwhile.
 *
 * The committing connection keeps a raised `wal_autocheckpoint` (WRITER_AUTOCHECKPOINT_PAGES) as
 * the backstop that bounds the WAL. SQLite starts the WAL file over only when a write begins with
 * everything in it copied, and under a steady stream of commits a checkpoint on another thread
 * seldom ends at such a moment. When the WAL reaches the backstop, the committing connection
 * checkpoints itself, finding all but the last few milliseconds' pages already copied, and its next
 * write starts the file over.
 */

/** The committing connection's own checkpoint threshold, in pages (SQLite's default is 1,000). */
export const WRITER_AUTOCHECKPOINT_PAGES = 8192;

/**
 * Each checkpoint costs two fsyncs, and a page that every commit rewrites is copied once per
 * checkpoint. In one A/B run over HTTP (8 rounds of 3 s), against checkpointing on the committing
 * thread: 50 ms, post10 +7% and worker +5% in medians; 10 ms, no faster.
 */
const GATHER_MS = 50;

const logger = new Logger('WalCheckpointer');

export class WalCheckpointer {
  private readonly state: Int32Array;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    buffer: SharedArrayBuffer,
  ) {
    this.state = new Int32Array(buffer);
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
  }

  /** Starts the thread on the database file at `path`, which must already be in WAL mode. */
  static async start(path: string, gatherMs = GATHER_MS): Promise<WalCheckpointer> {
    const state = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
    const script = threadScript('wal-checkpointer.entry');
    const worker = new Worker(script.file, {
      workerData: { path, state, gatherMs } satisfies CheckpointerData,
      execArgv: script.execArgv,
    });
    const checkpointer = new WalCheckpointer(worker, state);
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => {
        worker.off('error', reject);
        resolve();
      });
      worker.once('error', reject);
    });
    // A checkpointer that dies costs speed, not data: the backstop still bounds the WAL.
    worker.on('error', (error) => logger.warn(`WAL checkpoint thread failed: ${error.message}`));
    // Never what keeps a process alive; the driver's close ends it.
    worker.unref();
    return checkpointer;
  }

  /** Counts a commit and wakes the thread if it waits for one (two atomic operations a commit group). */
  committed(): void {
    Atomics.add(this.state, COMMITS, 1);
    Atomics.notify(this.state, COMMITS, 1);
  }

  /** Ends the thread once the checkpoint it may be running is done. */
  close(): Promise<void> {
    Atomics.store(this.state, CLOSING, 1);
    Atomics.notify(this.state, COMMITS);
    Atomics.notify(this.state, CLOSING);
    return this.exited;
  }
}
