import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deleting a queue deletes its row. Until now the row stayed behind as a tombstone (null metadata)
 * to keep the queue's counter, and a service that names a queue per request grew the table without
 * bound. A new row's counter now starts at the database clock in µs (FIRST_SEQ in pg-values), above
 * every counter a tombstone kept, so the tombstones go and metadata is never null again.
 *
 * `zaqar_delete_queues` keeps its shape: the DELETE of the queue rows waits for any post holding
 * one and makes later posts wait for this commit (they then create the queue anew), and the
 * DELETEs of messages and claims that follow take a fresh snapshot, so they see the messages of a
 * post that committed during that wait.
 */
export class DeleteQueueRows1765000000000 implements MigrationInterface {
  name = 'DeleteQueueRows1765000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      DELETE FROM messages m USING queues q
      WHERE q.metadata IS NULL AND m.project = q.project AND m.queue = q.name`);
    await runner.query(`
      DELETE FROM claims c USING queues q
      WHERE q.metadata IS NULL AND c.project = q.project AND c.queue = q.name`);
    await runner.query(`DELETE FROM queues WHERE metadata IS NULL`);
    await runner.query(`ALTER TABLE queues ALTER COLUMN metadata SET NOT NULL`);
    await runner.query(
      deleteQueuesFunction(`DELETE FROM queues q USING unnest(projects, names) AS d(project, name)
                            WHERE q.project = d.project AND q.name = d.name`),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      deleteQueuesFunction(`UPDATE queues q SET metadata = NULL FROM unnest(projects, names) AS d(project, name)
                            WHERE q.project = d.project AND q.name = d.name`),
    );
    await runner.query(`ALTER TABLE queues ALTER COLUMN metadata DROP NOT NULL`);
  }
}

/** zaqar_delete_queues: `retire` (what becomes of the batch's queue rows), then their messages and claims. */
function deleteQueuesFunction(retire: string): string {
  return `
    CREATE OR REPLACE FUNCTION zaqar_delete_queues(projects text[], names text[]) RETURNS void
    LANGUAGE plpgsql VOLATILE AS $fn$
    DECLARE
      i int;
    BEGIN
      ${retire};
      FOR i IN 1 .. coalesce(array_length(projects, 1), 0) LOOP
        DELETE FROM messages WHERE project = projects[i] AND queue = names[i];
        DELETE FROM claims WHERE project = projects[i] AND queue = names[i];
      END LOOP;
    END
    $fn$`;
}
