import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Subscription and pool options become `json`, as queue metadata did: they are only ever read and
 * written whole, and `jsonb` refuses `\u0000` and lone surrogates (we answered 503) and reorders keys.
 */
export class OptionsJson1771000000000 implements MigrationInterface {
  name = 'OptionsJson1771000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "subscriptions" ALTER COLUMN "options" TYPE json USING "options"::json`);
    await runner.query(`ALTER TABLE "pools" ALTER COLUMN "options" TYPE json USING "options"::json`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "subscriptions" ALTER COLUMN "options" TYPE jsonb USING "options"::jsonb`);
    await runner.query(`ALTER TABLE "pools" ALTER COLUMN "options" TYPE jsonb USING "options"::jsonb`);
  }
}
