import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox of notifications: a post writes one row per message and live subscription in its own
 * statement; the delivery job leases due rows (FOR UPDATE SKIP LOCKED), and a delivered row goes.
 * Rows that exhaust their retries move to failed_deliveries, per subscription.
 */
export class Deliveries1768000000000 implements MigrationInterface {
  name = 'Deliveries1768000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE deliveries (
        id              bigserial PRIMARY KEY,
        project         text COLLATE "C" NOT NULL,
        queue           text COLLATE "C" NOT NULL,
        subscription_id uuid NOT NULL,
        ttl             integer NOT NULL,
        body            json NOT NULL,
        posted          bigint NOT NULL,
        attempts        integer NOT NULL DEFAULT 0,
        due             bigint NOT NULL,
        leased_until    bigint NOT NULL DEFAULT 0,
        error           text
      )`);
    await runner.query(`CREATE INDEX deliveries_due_idx ON deliveries (due, id)`);
    await runner.query(`
      CREATE TABLE failed_deliveries (
        id              bigint PRIMARY KEY,
        project         text COLLATE "C" NOT NULL,
        queue           text COLLATE "C" NOT NULL,
        subscription_id uuid NOT NULL,
        ttl             integer NOT NULL,
        body            json NOT NULL,
        posted          bigint NOT NULL,
        attempts        integer NOT NULL,
        failed          bigint NOT NULL,
        error           text NOT NULL
      )`);
    await runner.query(
      `CREATE INDEX failed_deliveries_subscription_idx ON failed_deliveries (project, queue, subscription_id, id)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE failed_deliveries`);
    await runner.query(`DROP TABLE deliveries`);
  }
}
