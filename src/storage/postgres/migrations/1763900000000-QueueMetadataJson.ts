import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Queue metadata becomes `json`, like message bodies: it is only ever read and written whole, and
 * `jsonb` refuses `\u0000` in strings (Zaqar stores such metadata; we answered 503) and reorders keys.
 */
export class QueueMetadataJson1763900000000 implements MigrationInterface {
  name = 'QueueMetadataJson1763900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "queues" ALTER COLUMN "metadata" TYPE json USING "metadata"::json`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "queues" ALTER COLUMN "metadata" TYPE jsonb USING "metadata"::jsonb`);
  }
}
