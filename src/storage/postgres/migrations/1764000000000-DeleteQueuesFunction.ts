import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `zaqar_delete_queues(projects, names)` deletes a batch of queues in one call: it tombstones their
 * rows, then removes their messages and claims. A function because the steps need separate
 * snapshots and one round trip: the tombstone UPDATE waits for any post holding a queue row and
 * makes later posts wait for this commit; the DELETEs that follow take a fresh snapshot (each
 * statement of a volatile PL/pgSQL function does, under READ COMMITTED), so they see the messages
 * of a post that committed during that wait. One statement could not, and several statements sent
 * as one simple query are planned anew on every call. The deletes go queue by queue: each is then
 * a range of the primary key, where a join with the list of queues was planned as a walk of the
 * whole table.
 */
export class DeleteQueuesFunction1764000000000 implements MigrationInterface {
  name = 'DeleteQueuesFunction1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE FUNCTION zaqar_delete_queues(projects text[], names text[]) RETURNS void
      LANGUAGE plpgsql VOLATILE AS $fn$
      DECLARE
        i int;
      BEGIN
        UPDATE queues q SET metadata = NULL
        FROM unnest(projects, names) AS d(project, name)
        WHERE q.project = d.project AND q.name = d.name;
        FOR i IN 1 .. coalesce(array_length(projects, 1), 0) LOOP
          DELETE FROM messages WHERE project = projects[i] AND queue = names[i];
          DELETE FROM claims WHERE project = projects[i] AND queue = names[i];
        END LOOP;
      END
      $fn$`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP FUNCTION zaqar_delete_queues(text[], text[])`);
  }
}
