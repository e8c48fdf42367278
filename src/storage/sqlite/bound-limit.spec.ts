import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { boundLimit } from './bound-limit';

describe('boundLimit', () => {
  it('limits each run by the value bound for it', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (n INTEGER PRIMARY KEY); INSERT INTO t VALUES (1), (2), (3), (4), (5)');
    const first = db.prepare(`SELECT n FROM t ORDER BY n LIMIT ${boundLimit('@limit')}`).pluck();
    expect(first.all({ limit: 2 })).toEqual([1, 2]);
    expect(first.all({ limit: 4 })).toEqual([1, 2, 3, 4]);
    expect(first.all({ limit: 0 })).toEqual([]);
    db.close();
  });

  it('is how every statement of the SQLite store takes a bound LIMIT (a bare one is planned again on each run)', () => {
    const sources = readdirSync(__dirname).filter(
      (file) => file.endsWith('.ts') && !file.endsWith('.spec.ts') && file !== 'bound-limit.ts',
    );
    const bare = sources.filter((file) => /LIMIT\s+(\?|[@:$]\w)/i.test(readFileSync(join(__dirname, file), 'utf8')));
    expect(bare).toEqual([]);
  });
});
