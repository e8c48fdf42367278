import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { WalCheckpointer } from './wal-checkpointer';

const dir = mkdtempSync(join(tmpdir(), 'zaqar-checkpointer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** A database in WAL mode whose own connection never checkpoints: only the checkpointer can. */
function writerWithoutCheckpoints(): { db: Database.Database; file: string } {
  const file = join(dir, `db-${++n}.sqlite`);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (v BLOB)');
  return { db, file };
}

const MIB = 1024 * 1024;
const writeMib = (db: Database.Database) => db.prepare('INSERT INTO t VALUES (randomblob(?))').run(MIB);

async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('WalCheckpointer', () => {
  it('copies what commits add to the WAL into the database file, on its own connection', async () => {
    const { db, file } = writerWithoutCheckpoints();
    const checkpointer = await WalCheckpointer.start(file, 1);
    try {
      const before = statSync(file).size;
      for (let i = 0; i < 3; i++) {
        writeMib(db);
        checkpointer.committed();
      }
      // The pages reach the database file only through a checkpoint, and this connection runs none.
      await eventually(() => statSync(file).size >= before + 3 * MIB);
    } finally {
      await checkpointer.close();
      db.close();
    }
  });

  it('sleeps until told of a commit', async () => {
    const { db, file } = writerWithoutCheckpoints();
    const checkpointer = await WalCheckpointer.start(file, 1);
    try {
      const before = statSync(file).size;
      writeMib(db);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(statSync(file).size).toBe(before);
      checkpointer.committed();
      await eventually(() => statSync(file).size >= before + MIB);
    } finally {
      await checkpointer.close();
      db.close();
    }
  });

  it('closes while it waits, and closing twice is harmless', async () => {
    const { db, file } = writerWithoutCheckpoints();
    const checkpointer = await WalCheckpointer.start(file);
    await checkpointer.close();
    await checkpointer.close();
    db.close();
  });

  it('fails to start on a file it cannot open', async () => {
    await expect(WalCheckpointer.start(join(dir, 'no-such-dir', 'db.sqlite'))).rejects.toThrow();
  });
});
