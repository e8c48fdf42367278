import type { Pool, PoolClient } from 'pg';
import { beforeNul, holdsNul } from '../../common/nul-text';
import type { PoolChanges, PoolRecord, PoolRegistry, RegistryPage } from '../pool-registry.contract';
import type { QueueRef } from '../storage.contract';

interface PoolRow {
  name: string;
  uri: string;
  weight: string;
  flavor: string | null;
  options: PoolRecord['options'];
}

function toRecord(row: PoolRow): PoolRecord {
  return { ...row, weight: Number(row.weight) };
}

const UPSERT_POOL_SQL = `
INSERT INTO pools (name, uri, weight, flavor, options) VALUES ($1, $2, $3, $4, $5::json)
ON CONFLICT (name) DO UPDATE SET uri = EXCLUDED.uri, weight = EXCLUDED.weight, flavor = EXCLUDED.flavor,
  options = EXCLUDED.options`;

/**
 * Pooling's registry in PostgreSQL: a cold path. Each write is one transaction that starts by
 * bumping registry_version, whose row lock also serialises registry writes across processes (so
 * the uri check cannot race another write).
 */
export class PgPoolRegistry implements PoolRegistry {
  constructor(private readonly pool: Pool) {}

  async listPools(page: RegistryPage): Promise<PoolRecord[]> {
    const { rows } = await this.pool.query<PoolRow>('SELECT * FROM pools WHERE name > $1 ORDER BY name LIMIT $2', [
      beforeNul(page.marker ?? ''),
      page.limit,
    ]);
    return rows.map(toRecord);
  }

  async allPools(): Promise<PoolRecord[]> {
    const { rows } = await this.pool.query<PoolRow>('SELECT * FROM pools ORDER BY name');
    return rows.map(toRecord);
  }

  async getPool(name: string): Promise<PoolRecord | null> {
    if (holdsNul(name)) return null;
    const { rows } = await this.pool.query<PoolRow>('SELECT * FROM pools WHERE name = $1', [name]);
    return rows.length ? toRecord(rows[0]) : null;
  }

  putPool(pool: PoolRecord): Promise<'created' | 'replaced' | 'uri-taken'> {
    return this.write(async (client) => {
      if (await this.uriTaken(client, pool.uri, pool.name)) return 'uri-taken';
      const existing = await client.query('SELECT 1 FROM pools WHERE name = $1', [pool.name]);
      await this.upsert(client, pool);
      return existing.rowCount ? 'replaced' : 'created';
    });
  }

  updatePool(name: string, changes: PoolChanges): Promise<'updated' | 'missing' | 'uri-taken'> {
    if (holdsNul(name)) return Promise.resolve('missing');
    return this.write(async (client) => {
      const { rows } = await client.query<PoolRow>('SELECT * FROM pools WHERE name = $1', [name]);
      if (!rows.length) return 'missing';
      const pool = { ...toRecord(rows[0]), ...changes };
      if (await this.uriTaken(client, pool.uri, name)) return 'uri-taken';
      await this.upsert(client, pool);
      return 'updated';
    });
  }

  deletePool(name: string): Promise<void> {
    return this.write(async (client) => {
      await client.query('DELETE FROM pools WHERE name = $1', [name]);
      await client.query('DELETE FROM catalog WHERE pool = $1', [name]);
    });
  }

  setFlavorPools(flavor: string, pools: string[]): Promise<void> {
    return this.write(async (client) => {
      await client.query('UPDATE pools SET flavor = NULL WHERE flavor = $1', [flavor]);
      await client.query('UPDATE pools SET flavor = $1 WHERE name = ANY($2::text[])', [flavor, pools]);
    });
  }

  async listFlavors(project: string, page: RegistryPage): Promise<string[]> {
    const { rows } = await this.pool.query<{ name: string }>(
      'SELECT name FROM flavors WHERE project = $1 AND name > $2 ORDER BY name LIMIT $3',
      [project, beforeNul(page.marker ?? ''), page.limit],
    );
    return rows.map((row) => row.name);
  }

  async flavorExists(project: string, name: string): Promise<boolean> {
    if (holdsNul(name)) return false;
    const { rowCount } = await this.pool.query('SELECT 1 FROM flavors WHERE project = $1 AND name = $2', [
      project,
      name,
    ]);
    return Boolean(rowCount);
  }

  putFlavor(project: string, name: string): Promise<void> {
    return this.write(async (client) => {
      await client.query('INSERT INTO flavors (project, name) VALUES ($1, $2) ON CONFLICT DO NOTHING', [project, name]);
    });
  }

  deleteFlavor(project: string, name: string): Promise<void> {
    if (holdsNul(name)) return Promise.resolve();
    return this.write(async (client) => {
      await client.query('DELETE FROM flavors WHERE project = $1 AND name = $2', [project, name]);
      // Pools carry a flavor name, not a project's flavor: they keep it while another project's flavor has it.
      await client.query(
        'UPDATE pools SET flavor = NULL WHERE flavor = $1 AND NOT EXISTS (SELECT 1 FROM flavors WHERE name = $1)',
        [name],
      );
    });
  }

  async lookup(ref: QueueRef): Promise<string | null> {
    const { rows } = await this.pool.query<{ pool: string }>(
      'SELECT pool FROM catalog WHERE project = $1 AND queue = $2',
      [ref.project, ref.queue],
    );
    return rows.length ? rows[0].pool : null;
  }

  async place(ref: QueueRef, pool: string): Promise<string> {
    const inserted = await this.pool.query<{ pool: string }>(
      'INSERT INTO catalog (project, queue, pool) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING pool',
      [ref.project, ref.queue, pool],
    );
    if (inserted.rows.length) return inserted.rows[0].pool;
    // Another process placed it first; its row is committed, and this statement's snapshot sees it.
    return (await this.lookup(ref)) ?? pool;
  }

  relocate(ref: QueueRef, pool: string): Promise<void> {
    return this.write(async (client) => {
      await client.query(
        `INSERT INTO catalog (project, queue, pool) VALUES ($1, $2, $3)
         ON CONFLICT (project, queue) DO UPDATE SET pool = EXCLUDED.pool`,
        [ref.project, ref.queue, pool],
      );
    });
  }

  async poolsOf(project: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ pool: string }>('SELECT DISTINCT pool FROM catalog WHERE project = $1', [
      project,
    ]);
    return rows.map((row) => row.pool);
  }

  async queuesOf(pool: string, after: QueueRef | undefined, limit: number): Promise<QueueRef[]> {
    const { rows } = await this.pool.query<QueueRef>(
      `SELECT project, queue FROM catalog WHERE pool = $1 AND (project, queue) > ($2, $3)
        ORDER BY project, queue LIMIT $4`,
      [pool, after?.project ?? '', after?.queue ?? '', limit],
    );
    return rows;
  }

  async version(): Promise<number> {
    const { rows } = await this.pool.query<{ value: string }>('SELECT value FROM registry_version');
    return Number(rows[0].value);
  }

  private async uriTaken(client: PoolClient, uri: string, name: string): Promise<boolean> {
    const { rowCount } = await client.query('SELECT 1 FROM pools WHERE uri = $1 AND name <> $2', [uri, name]);
    return Boolean(rowCount);
  }

  private async upsert(client: PoolClient, pool: PoolRecord): Promise<void> {
    await client.query(UPSERT_POOL_SQL, [pool.name, pool.uri, pool.weight, pool.flavor, JSON.stringify(pool.options)]);
  }

  private async write<T>(body: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('UPDATE registry_version SET value = value + 1');
      const result = await body(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
