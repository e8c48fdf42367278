/**
 * The checkpoint thread (see wal-checkpointer.ts): sleeps until a commit is counted, lets commits
 * gather for a few milliseconds, copies what the WAL holds into the database file with a PASSIVE
 * checkpoint, and sleeps again.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { type CheckpointerData, CLOSING, COMMITS } from './wal-checkpointer.protocol';

const { path, state, gatherMs } = workerData as CheckpointerData;
const flags = new Int32Array(state);
const db = new Database(path);
parentPort!.postMessage('ready');

let seen = Atomics.load(flags, COMMITS);
while (Atomics.load(flags, CLOSING) === 0) {
  Atomics.wait(flags, COMMITS, seen);
  if (Atomics.load(flags, CLOSING) !== 0) break;
  Atomics.wait(flags, CLOSING, 0, gatherMs);
  seen = Atomics.load(flags, COMMITS);
  try {
    // PASSIVE never waits for the write lock or for readers: it copies what it can and returns.
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Another process's checkpoint holds the file for now: the next commit brings another try.
  }
}
db.close();
