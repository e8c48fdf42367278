import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { enterWalMode } from './wal-mode';

const dir = mkdtempSync(join(tmpdir(), 'zaqar-wal-mode-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
/** Every connection a test opened, closed after it even if it failed. */
const connections: Database.Database[] = [];
afterEach(() => connections.splice(0).forEach((db) => db.close()));

/** A new file whose write lock a second connection holds, as another process opening it would. */
function lockedNewFile(): { db: Database.Database; other: Database.Database } {
  const file = join(dir, `db-${++n}.sqlite`);
  const other = new Database(file);
  other.exec('BEGIN IMMEDIATE');
  const db = new Database(file);
  db.pragma('busy_timeout = 5000');
  connections.push(other, db);
  return { db, other };
}

describe('enterWalMode', () => {
  it('fails at once where the busy timeout does not help: the reason it retries', () => {
    const { db } = lockedNewFile();
    const started = Date.now();
    expect(() => db.pragma('journal_mode = WAL')).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('switches once the other connection lets go', async () => {
    const { db, other } = lockedNewFile();
    setTimeout(() => other.exec('COMMIT'), 50);
    await enterWalMode(db, 5000);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('gives up with SQLITE_BUSY after its timeout', async () => {
    const { db } = lockedNewFile();
    const started = Date.now();
    await expect(enterWalMode(db, 100)).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
  });
});
