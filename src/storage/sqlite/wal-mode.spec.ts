import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { enterWalMode } from './wal-mode';

const dir = mkdtempSync(join(tmpdir(), 'zaqar-wal-mode-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** A new file whose write lock a second connection holds, as another process opening it would. */
function lockedNewFile(): { db: Database.Database; other: Database.Database } {
  const file = join(dir, `db-${++n}.sqlite`);
  const other = new Database(file);
  other.exec('BEGIN IMMEDIATE');
  const db = new Database(file);
  db.pragma('busy_timeout = 5000');
  return { db, other };
}

describe('enterWalMode', () => {
  it('fails at once where the busy timeout does not help: the reason it retries', () => {
    const { db, other } = lockedNewFile();
    const started = Date.now();
    expect(() => db.pragma('journal_mode = WAL')).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
    expect(Date.now() - started).toBeLessThan(1000);
    other.close();
    db.close();
  });

  it('switches once the other connection lets go', async () => {
    const { db, other } = lockedNewFile();
    setTimeout(() => other.exec('COMMIT'), 50);
    await enterWalMode(db, 5000);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    other.close();
    db.close();
  });

  it('gives up with SQLITE_BUSY after its timeout', async () => {
    const { db, other } = lockedNewFile();
    const started = Date.now();
    await expect(enterWalMode(db, 100)).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    other.close();
    db.close();
  });
});
