import { MigrationInterface, QueryRunner } from 'typeorm';

/** A subscription's ttl may reach the year 9999 (about 2.5e11 s), past what `integer` holds: we answered 503. */
export class SubscriptionTtlBigint1772000000000 implements MigrationInterface {
  name = 'SubscriptionTtlBigint1772000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "subscriptions" ALTER COLUMN "ttl" TYPE bigint`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "subscriptions" ALTER COLUMN "ttl" TYPE integer`);
  }
}
