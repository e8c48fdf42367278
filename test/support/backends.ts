import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';

/** A fresh, empty store for one test file; `drop` removes it. */
export interface TestBackend {
  name: 'sqlite' | 'postgres' | 'pooled';
  url: string;
  /** What a server on this store needs in its environment beyond STORAGE_URL. */
  env?: Record<string, string>;
  drop(): Promise<void>;
}

export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function sqliteBackend(): Promise<TestBackend> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zaqar-e2e-'));
  return {
    name: 'sqlite',
    url: `sqlite:${path.join(dir, 'zaqar.db')}`,
    drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** A new database on the local PostgreSQL; fails (never skips) when PostgreSQL is down. */
export async function postgresBackend(): Promise<TestBackend> {
  const name = `zaqar_e2e_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name: 'postgres',
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: PG_ADMIN_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Every storage back end an end-to-end suite must pass on. */
export const BACKENDS: Array<[string, () => Promise<TestBackend>]> = [
  ['sqlite', sqliteBackend],
  ['postgres', postgresBackend],
];
