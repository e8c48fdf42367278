/**
 * The SQLite result code an error carries ('SQLITE_BUSY', 'SQLITE_CONSTRAINT_PRIMARYKEY', ...), or
 * undefined if it did not come from SQLite.
 *
 * Read from the code, not by class: better-sqlite3 throws the SqliteError class of the first copy of
 * its module that a process loaded, and a test runner loads one copy per test file, so
 * `instanceof SqliteError` is false there for every file but the first.
 */
export function sqliteErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}
