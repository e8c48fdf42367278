/**
 * Parses the SQLite provider's storage URL.
 *
 *   sqlite:data/zaqar.db            relative to the working directory
 *   sqlite:/var/lib/zaqar/zaqar.db  absolute
 *   sqlite::memory:                 private in-memory database (tests)
 *   sqlite:///abs/path.db           SQLAlchemy's spelling, as in zaqar.conf, is accepted too
 *
 * Options go in a query string: `?synchronous=normal` trades the last commits on power loss for
 * speed (the default, FULL, makes a resolved write durable), `?group_commit_ms=1` holds writes up to
 * that long to share one commit (the default, 0, groups what arrives within one event-loop turn).
 */
export interface SqliteLocation {
  /** File path, or ':memory:'. */
  path: string;
  memory: boolean;
  synchronous: 'FULL' | 'NORMAL';
  groupCommitMs: number;
}

const MEMORY = ':memory:';

export function parseSqliteUrl(url: string): SqliteLocation {
  if (!url.startsWith('sqlite:')) {
    throw new Error(`not a SQLite storage URL: ${url}`);
  }
  let rest = url.slice('sqlite:'.length);
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  if (rest.startsWith('//')) {
    // sqlite:///abs → /abs, sqlite:///:memory: → :memory:, sqlite://rel → rel
    rest = rest.slice(2);
    if (rest === `/${MEMORY}`) rest = MEMORY;
  }
  if (rest === '') {
    throw new Error(`SQLite storage URL names no file: ${url}`);
  }
  const location: SqliteLocation = { path: rest, memory: rest === MEMORY, synchronous: 'FULL', groupCommitMs: 0 };
  for (const [key, value] of new URLSearchParams(query)) {
    switch (key) {
      case 'synchronous': {
        const mode = value.toUpperCase();
        if (mode !== 'FULL' && mode !== 'NORMAL') {
          throw new Error(`SQLite storage URL: synchronous must be full or normal, not ${value}`);
        }
        location.synchronous = mode;
        break;
      }
      case 'group_commit_ms': {
        const ms = Number(value);
        if (value === '' || !Number.isFinite(ms) || ms < 0 || ms > 1000) {
          throw new Error(`SQLite storage URL: group_commit_ms must be 0..1000, not ${value}`);
        }
        location.groupCommitMs = ms;
        break;
      }
      default:
        throw new Error(`SQLite storage URL: unknown option ${key}`);
    }
  }
  return location;
}
