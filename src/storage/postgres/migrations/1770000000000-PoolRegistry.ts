import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pooling's registry (see pool-registry.contract.ts), used when this database is the management
 * store. registry_version changes with every write but a new catalog entry.
 */
export class PoolRegistry1770000000000 implements MigrationInterface {
  name = 'PoolRegistry1770000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE pools (
        name    text   PRIMARY KEY,
        uri     text   NOT NULL UNIQUE,
        weight  bigint NOT NULL,
        flavor  text,
        options jsonb  NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE flavors (
        project text NOT NULL,
        name    text NOT NULL,
        PRIMARY KEY (project, name)
      )`);
    await runner.query(`
      CREATE TABLE catalog (
        project text NOT NULL,
        queue   text NOT NULL,
        pool    text NOT NULL,
        PRIMARY KEY (project, queue)
      )`);
    await runner.query(`CREATE INDEX catalog_pool ON catalog (pool, project, queue)`);
    await runner.query(`CREATE TABLE registry_version (one int PRIMARY KEY CHECK (one = 1), value bigint NOT NULL)`);
    await runner.query(`INSERT INTO registry_version (one, value) VALUES (1, 0)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE registry_version`);
    await runner.query(`DROP TABLE catalog`);
    await runner.query(`DROP TABLE flavors`);
    await runner.query(`DROP TABLE pools`);
  }
}
