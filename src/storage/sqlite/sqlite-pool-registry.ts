import type Database from 'better-sqlite3';
import type { PoolChanges, PoolRecord, PoolRegistry, RegistryPage } from '../pool-registry.contract';
import type { QueueRef } from '../storage.contract';
import { boundLimit } from './bound-limit';
import type { GroupCommit } from './group-commit';

interface PoolRow {
  name: string;
  uri: string;
  weight: number;
  flavor: string | null;
  options: string;
}

function toRecord(row: PoolRow): PoolRecord {
  return { ...row, options: JSON.parse(row.options) as PoolRecord['options'] };
}

/** Pooling's registry in the embedded store: a cold path of plain statements in the driver's commit groups. */
export class SqlitePoolRegistry implements PoolRegistry {
  private readonly poolsPage: Database.Statement;
  private readonly poolsAll: Database.Statement;
  private readonly poolByName: Database.Statement;
  private readonly poolByUri: Database.Statement;
  private readonly upsertPool: Database.Statement;
  private readonly deletePoolRow: Database.Statement;
  private readonly deletePoolCatalog: Database.Statement;
  private readonly clearFlavor: Database.Statement;
  private readonly giveFlavor: Database.Statement;
  private readonly flavorsPage: Database.Statement;
  private readonly flavorRow: Database.Statement;
  private readonly insertFlavor: Database.Statement;
  private readonly deleteFlavorRow: Database.Statement;
  private readonly flavorNamed: Database.Statement;
  private readonly catalogLookup: Database.Statement;
  private readonly catalogInsert: Database.Statement;
  private readonly catalogUpsert: Database.Statement;
  private readonly catalogPage: Database.Statement;
  private readonly projectPools: Database.Statement;
  private readonly versionRead: Database.Statement;
  private readonly versionBump: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly writes: GroupCommit,
  ) {
    const limit = boundLimit();
    this.poolsPage = db.prepare(`SELECT * FROM pools WHERE name > ? ORDER BY name LIMIT ${limit}`);
    this.poolsAll = db.prepare('SELECT * FROM pools ORDER BY name');
    this.poolByName = db.prepare('SELECT * FROM pools WHERE name = ?');
    this.poolByUri = db.prepare('SELECT name FROM pools WHERE uri = ?').pluck();
    this.upsertPool = db.prepare(
      `INSERT INTO pools (name, uri, weight, flavor, options) VALUES (@name, @uri, @weight, @flavor, @options)
       ON CONFLICT (name) DO UPDATE SET uri = excluded.uri, weight = excluded.weight,
         flavor = excluded.flavor, options = excluded.options`,
    );
    this.deletePoolRow = db.prepare('DELETE FROM pools WHERE name = ?');
    this.deletePoolCatalog = db.prepare('DELETE FROM catalog WHERE pool = ?');
    this.clearFlavor = db.prepare('UPDATE pools SET flavor = NULL WHERE flavor = ?');
    this.giveFlavor = db.prepare('UPDATE pools SET flavor = ? WHERE name = ?');
    this.flavorsPage = db
      .prepare(`SELECT name FROM flavors WHERE project = ? AND name > ? ORDER BY name LIMIT ${limit}`)
      .pluck();
    this.flavorRow = db.prepare('SELECT 1 FROM flavors WHERE project = ? AND name = ?').pluck();
    this.insertFlavor = db.prepare('INSERT INTO flavors (project, name) VALUES (?, ?) ON CONFLICT DO NOTHING');
    this.deleteFlavorRow = db.prepare('DELETE FROM flavors WHERE project = ? AND name = ?');
    this.flavorNamed = db.prepare('SELECT 1 FROM flavors WHERE name = ? LIMIT 1').pluck();
    this.catalogLookup = db.prepare('SELECT pool FROM catalog WHERE project = ? AND queue = ?').pluck();
    this.catalogInsert = db.prepare(
      'INSERT INTO catalog (project, queue, pool) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    );
    this.catalogUpsert = db.prepare(
      `INSERT INTO catalog (project, queue, pool) VALUES (?, ?, ?)
       ON CONFLICT (project, queue) DO UPDATE SET pool = excluded.pool`,
    );
    this.catalogPage = db.prepare(
      `SELECT project, queue FROM catalog WHERE pool = ? AND (project, queue) > (?, ?)
        ORDER BY project, queue LIMIT ${limit}`,
    );
    this.projectPools = db.prepare('SELECT DISTINCT pool FROM catalog WHERE project = ?').pluck();
    this.versionRead = db.prepare('SELECT value FROM registry_version').pluck();
    this.versionBump = db.prepare('UPDATE registry_version SET value = value + 1');
  }

  async listPools(page: RegistryPage): Promise<PoolRecord[]> {
    return (this.poolsPage.all(page.marker ?? '', page.limit) as PoolRow[]).map(toRecord);
  }

  async allPools(): Promise<PoolRecord[]> {
    return (this.poolsAll.all() as PoolRow[]).map(toRecord);
  }

  async getPool(name: string): Promise<PoolRecord | null> {
    const row = this.poolByName.get(name) as PoolRow | undefined;
    return row ? toRecord(row) : null;
  }

  putPool(pool: PoolRecord): Promise<'created' | 'replaced' | 'uri-taken'> {
    return this.writes.submit(() => {
      const holder = this.poolByUri.get(pool.uri) as string | undefined;
      if (holder !== undefined && holder !== pool.name) return 'uri-taken';
      const existed = this.poolByName.get(pool.name) !== undefined;
      this.upsertPool.run({ ...pool, options: JSON.stringify(pool.options) });
      this.versionBump.run();
      return existed ? 'replaced' : 'created';
    });
  }

  updatePool(name: string, changes: PoolChanges): Promise<'updated' | 'missing' | 'uri-taken'> {
    return this.writes.submit(() => {
      const row = this.poolByName.get(name) as PoolRow | undefined;
      if (!row) return 'missing';
      const pool = { ...toRecord(row), ...changes };
      const holder = this.poolByUri.get(pool.uri) as string | undefined;
      if (holder !== undefined && holder !== name) return 'uri-taken';
      this.upsertPool.run({ ...pool, options: JSON.stringify(pool.options) });
      this.versionBump.run();
      return 'updated';
    });
  }

  deletePool(name: string): Promise<void> {
    return this.writes.submit(() => {
      this.deletePoolRow.run(name);
      this.deletePoolCatalog.run(name);
      this.versionBump.run();
    });
  }

  setFlavorPools(flavor: string, pools: string[]): Promise<void> {
    return this.writes.submit(() => {
      this.clearFlavor.run(flavor);
      for (const pool of pools) this.giveFlavor.run(flavor, pool);
      this.versionBump.run();
    });
  }

  async listFlavors(project: string, page: RegistryPage): Promise<string[]> {
    return this.flavorsPage.all(project, page.marker ?? '', page.limit) as string[];
  }

  async flavorExists(project: string, name: string): Promise<boolean> {
    return this.flavorRow.get(project, name) !== undefined;
  }

  putFlavor(project: string, name: string): Promise<void> {
    return this.writes.submit(() => {
      this.insertFlavor.run(project, name);
      this.versionBump.run();
    });
  }

  deleteFlavor(project: string, name: string): Promise<void> {
    return this.writes.submit(() => {
      // Pools carry a flavor name, not a project's flavor: they keep it while another project's flavor has it.
      this.deleteFlavorRow.run(project, name);
      if (this.flavorNamed.get(name) === undefined) this.clearFlavor.run(name);
      this.versionBump.run();
    });
  }

  async lookup(ref: QueueRef): Promise<string | null> {
    return (this.catalogLookup.get(ref.project, ref.queue) as string | undefined) ?? null;
  }

  place(ref: QueueRef, pool: string): Promise<string> {
    return this.writes.submit(() => {
      this.catalogInsert.run(ref.project, ref.queue, pool);
      return this.catalogLookup.get(ref.project, ref.queue) as string;
    });
  }

  relocate(ref: QueueRef, pool: string): Promise<void> {
    return this.writes.submit(() => {
      this.catalogUpsert.run(ref.project, ref.queue, pool);
      this.versionBump.run();
    });
  }

  async poolsOf(project: string): Promise<string[]> {
    return this.projectPools.all(project) as string[];
  }

  async queuesOf(pool: string, after: QueueRef | undefined, limit: number): Promise<QueueRef[]> {
    return this.catalogPage.all(pool, after?.project ?? '', after?.queue ?? '', limit) as QueueRef[];
  }

  async version(): Promise<number> {
    return this.versionRead.get() as number;
  }
}
