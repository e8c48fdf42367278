import { parseSqliteUrl } from './sqlite-url';

describe('parseSqliteUrl', () => {
  it('reads relative, absolute and in-memory paths with durable defaults', () => {
    expect(parseSqliteUrl('sqlite:data/zaqar.db')).toEqual({
      path: 'data/zaqar.db',
      memory: false,
      synchronous: 'FULL',
      groupCommitMs: 0,
    });
    expect(parseSqliteUrl('sqlite:/var/lib/zaqar/zaqar.db').path).toBe('/var/lib/zaqar/zaqar.db');
    expect(parseSqliteUrl('sqlite::memory:')).toMatchObject({ path: ':memory:', memory: true });
  });

  it('accepts the SQLAlchemy spelling that zaqar.conf uses', () => {
    expect(parseSqliteUrl('sqlite:///var/lib/zaqar.db').path).toBe('/var/lib/zaqar.db');
    expect(parseSqliteUrl('sqlite:///:memory:')).toMatchObject({ path: ':memory:', memory: true });
  });

  it('reads synchronous and group_commit_ms options from the query string', () => {
    expect(parseSqliteUrl('sqlite:z.db?synchronous=normal&group_commit_ms=1.5')).toMatchObject({
      path: 'z.db',
      synchronous: 'NORMAL',
      groupCommitMs: 1.5,
    });
  });

  it('rejects other schemes, empty paths and unknown or bad options', () => {
    expect(() => parseSqliteUrl('postgres://x')).toThrow(/not a SQLite/);
    expect(() => parseSqliteUrl('sqlite:')).toThrow(/names no file/);
    expect(() => parseSqliteUrl('sqlite:z.db?synchronous=off')).toThrow(/synchronous/);
    expect(() => parseSqliteUrl('sqlite:z.db?group_commit_ms=-1')).toThrow(/group_commit_ms/);
    expect(() => parseSqliteUrl('sqlite:z.db?group_commit_ms=')).toThrow(/group_commit_ms/);
    expect(() => parseSqliteUrl('sqlite:z.db?journal=delete')).toThrow(/unknown option journal/);
  });
});
