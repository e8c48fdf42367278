import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * VACUUM no longer gives the empty end of messages and claims back to the file system.
 *
 * To truncate a table VACUUM takes an ACCESS EXCLUSIVE lock on it, and every claim, post and delete
 * of every queue waits behind that lock while it cuts. When a burst has grown the message table and
 * is then consumed, or its queue deleted, the table's end is empty, so the sweep's VACUUM (and
 * autovacuum, where it runs) cut it, only for the next burst to grow it again. Measured on an idle
 * server: a query on messages every 2 ms waited up to 39 ms while VACUUM cut 74,000 pages in 17
 * steps (it yields to waiters between steps, not during one). Without truncation the freed pages
 * are reused by later messages; an operator who wants the space back runs
 * `VACUUM (TRUNCATE true) messages, claims` in a quiet moment.
 */
export class KeepTableTails1766000000000 implements MigrationInterface {
  name = 'KeepTableTails1766000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "messages" SET (vacuum_truncate = false)`);
    await runner.query(`ALTER TABLE "claims" SET (vacuum_truncate = false)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "claims" RESET (vacuum_truncate)`);
    await runner.query(`ALTER TABLE "messages" RESET (vacuum_truncate)`);
  }
}
