import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first schema. Kept in step with the entities (which are the schema's source of truth), plus
 * what entities cannot say:
 *  - fillfactor: half of each messages page is left free so that claiming a message writes its new
 *    version on the same page, a HOT update that adds no index entries (measured: 100% HOT at 50,
 *    under half at 70, in a claim-and-delete loop); queue rows are updated on every post (their
 *    `last_seq`), hence a low fillfactor there too;
 *  - n_distinct = 1 on messages.project and messages.queue. Hot statements are prepared and soon run
 *    on a generic plan, which sizes `project = $1 AND queue = $2` by the average queue. With one
 *    huge queue among many small ones that average is tiny, and the plans it gives (walk the whole
 *    queue and filter by id, or sort it) are ruinous for the huge one. Telling the planner that a
 *    queue may be the whole table yields plans that are right for every size: id lookups through
 *    (project, queue, id), ordered primary-key walks that stop at the LIMIT. Custom plans still see
 *    the real frequencies. Takes effect at the next ANALYZE, which the driver runs (see
 *    pg-maintenance).
 */
export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "queues" (
        "project"  text COLLATE "C" NOT NULL,
        "name"     text COLLATE "C" NOT NULL,
        "metadata" jsonb,
        "created"  bigint NOT NULL,
        "last_seq" bigint NOT NULL DEFAULT 0,
        CONSTRAINT "queues_pkey" PRIMARY KEY ("project", "name")
      ) WITH (fillfactor = 50)`);
    await runner.query(`
      CREATE TABLE "messages" (
        "project"       text COLLATE "C" NOT NULL,
        "queue"         text COLLATE "C" NOT NULL,
        "seq"           bigint NOT NULL,
        "id"            uuid NOT NULL,
        "client_id"     text NOT NULL,
        "body"          json NOT NULL,
        "ttl"           integer NOT NULL,
        "created"       bigint NOT NULL,
        "expires"       bigint NOT NULL,
        "delay_until"   bigint NOT NULL,
        "claim_id"      uuid,
        "claim_expires" bigint,
        "claim_count"   integer NOT NULL DEFAULT 0,
        CONSTRAINT "messages_pkey" PRIMARY KEY ("project", "queue", "seq")
      ) WITH (fillfactor = 50)`);
    await runner.query(`CREATE UNIQUE INDEX "messages_queue_id_key" ON "messages" ("project", "queue", "id")`);
    await runner.query(`CREATE INDEX "messages_expires_idx" ON "messages" ("expires")`);
    // Plan every statement as if each queue held the whole table (see the class comment).
    await runner.query(
      `ALTER TABLE "messages" ALTER COLUMN "project" SET (n_distinct = 1), ALTER COLUMN "queue" SET (n_distinct = 1)`,
    );
    await runner.query(`
      CREATE TABLE "claims" (
        "project"     text COLLATE "C" NOT NULL,
        "queue"       text COLLATE "C" NOT NULL,
        "id"          uuid NOT NULL,
        "ttl"         integer NOT NULL,
        "grace"       integer NOT NULL,
        "updated"     bigint NOT NULL,
        "expires"     bigint NOT NULL,
        "message_ids" uuid[] NOT NULL,
        CONSTRAINT "claims_pkey" PRIMARY KEY ("project", "queue", "id")
      )`);
    await runner.query(`CREATE INDEX "claims_expires_idx" ON "claims" ("expires")`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "claims"`);
    await runner.query(`DROP TABLE "messages"`);
    await runner.query(`DROP TABLE "queues"`);
  }
}
