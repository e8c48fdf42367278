import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import type { TestBackend } from './backends';

/**
 * Counts rows straight in a store's database, around the server: what a test uses to show where
 * data really lives. `where` uses $1, $2… placeholders (rewritten to ? for SQLite).
 */
export async function countRows(
  backend: TestBackend,
  table: string,
  where: string,
  params: unknown[],
): Promise<number> {
  const sql = `SELECT count(*) AS n FROM ${table} WHERE ${where}`;
  if (backend.url.startsWith('sqlite:')) {
    const db = new Database(backend.url.slice('sqlite:'.length), { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare(sql.replace(/\$\d+/g, '?')).get(...params) as { n: number };
      return row.n;
    } finally {
      db.close();
    }
  }
  const client = new Client({ connectionString: backend.url });
  await client.connect();
  try {
    const result = await client.query<{ n: string }>(sql, params);
    return Number(result.rows[0].n);
  } finally {
    await client.end();
  }
}

/** How many queues of the project the store holds. */
export function queuesIn(backend: TestBackend, project: string): Promise<number> {
  return countRows(backend, 'queues', 'project = $1', [project]);
}

/** How many messages of the queue the store holds. */
export function messagesIn(backend: TestBackend, project: string, queue: string): Promise<number> {
  return countRows(backend, 'messages', 'project = $1 AND queue = $2', [project, queue]);
}

/**
 * Everything the store holds of messages and notifications, as text: the SQLite file and its WAL
 * byte for byte, or every row of PostgreSQL's message and delivery tables. For showing what the
 * database does not hold.
 */
export async function storedText(backend: TestBackend): Promise<string> {
  if (backend.url.startsWith('sqlite:')) {
    const file = backend.url.slice('sqlite:'.length);
    return [file, `${file}-wal`]
      .filter((path) => existsSync(path))
      .map((path) => readFileSync(path).toString('latin1'))
      .join('\n');
  }
  const client = new Client({ connectionString: backend.url });
  await client.connect();
  try {
    const tables = ['messages', 'deliveries', 'failed_deliveries'];
    const dumps = await Promise.all(tables.map((table) => client.query(`SELECT t::text AS row FROM ${table} t`)));
    return dumps.flatMap((dump) => dump.rows.map((r: { row: string }) => r.row)).join('\n');
  } finally {
    await client.end();
  }
}
