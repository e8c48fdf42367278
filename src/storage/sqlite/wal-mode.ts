import { setTimeout as sleep } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import { sqliteErrorCode } from './sqlite-error-code';

/** Between two tries to switch a new file to WAL while another process holds its lock. */
const RETRY_MS = 5;

/**
 * Puts the database in WAL mode, waiting up to `timeoutMs` for another process to let go of it.
 *
 * The busy timeout does not cover this step. Switching a new file to WAL reads it and then upgrades
 * to a write lock, and SQLite refuses such an upgrade at once with SQLITE_BUSY (waiting could
 * deadlock two readers that both upgrade). Two server processes opening one new file together hit
 * it: one of them failed to start (WORKERS=2, once in CI). Two processes switching one new file in
 * step lost in 13 and in 43 of 200 tries.
 */
export async function enterWalMode(db: Database.Database, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if (sqliteErrorCode(error) !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
      // Asleep, this thread holds no lock of the file's, so the other process can finish its switch.
      await sleep(RETRY_MS);
    }
  }
}
