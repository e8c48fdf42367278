import { MigrationInterface, QueryRunner } from 'typeorm';

/** Confirmation requests go through the outbox too (see DeliveryKind). */
export class DeliveryKind1769000000000 implements MigrationInterface {
  name = 'DeliveryKind1769000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE deliveries ADD COLUMN kind text NOT NULL DEFAULT 'notification'`);
    await runner.query(`ALTER TABLE failed_deliveries ADD COLUMN kind text NOT NULL DEFAULT 'notification'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE failed_deliveries DROP COLUMN kind`);
    await runner.query(`ALTER TABLE deliveries DROP COLUMN kind`);
  }
}
