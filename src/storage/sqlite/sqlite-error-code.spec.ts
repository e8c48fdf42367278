import Database from 'better-sqlite3';
import { sqliteErrorCode } from './sqlite-error-code';

describe('sqliteErrorCode', () => {
  it('reads the code of an error SQLite raised', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY)');
    db.exec('INSERT INTO t VALUES (1)');
    let raised: unknown;
    try {
      db.exec('INSERT INTO t VALUES (1)');
    } catch (error) {
      raised = error;
    }
    db.close();
    expect(sqliteErrorCode(raised)).toBe('SQLITE_CONSTRAINT_PRIMARYKEY');
  });

  it.each([
    ['an error of the file system', Object.assign(new Error('gone'), { code: 'ENOENT' })],
    ['an error without a code', new Error('plain')],
    ['a thrown string', 'SQLITE_BUSY'],
    ['null', null],
  ])('answers undefined for %s', (_what, error) => {
    expect(sqliteErrorCode(error)).toBeUndefined();
  });
});
