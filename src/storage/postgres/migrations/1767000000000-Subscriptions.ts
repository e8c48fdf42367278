import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Subscriptions, and `zaqar_delete_queues` deleting a queue's subscriptions with its messages and
 * claims, in the same transaction (Zaqar leaves them behind).
 */
export class Subscriptions1767000000000 implements MigrationInterface {
  name = 'Subscriptions1767000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE subscriptions (
        project    text COLLATE "C" NOT NULL,
        queue      text COLLATE "C" NOT NULL,
        id         uuid NOT NULL,
        subscriber text NOT NULL,
        ttl        integer NOT NULL,
        created    bigint NOT NULL,
        expires    bigint NOT NULL,
        options    jsonb NOT NULL,
        confirmed  boolean NOT NULL DEFAULT false,
        secret     text NOT NULL,
        CONSTRAINT subscriptions_pkey PRIMARY KEY (project, queue, id)
      )`);
    await runner.query(
      `CREATE UNIQUE INDEX subscriptions_subscriber_key ON subscriptions (project, queue, subscriber)`,
    );
    await runner.query(`CREATE INDEX subscriptions_expires_idx ON subscriptions (expires)`);
    await runner.query(deleteQueuesFunction(true));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(deleteQueuesFunction(false));
    await runner.query(`DROP TABLE subscriptions`);
  }
}

function deleteQueuesFunction(withSubscriptions: boolean): string {
  return `
    CREATE OR REPLACE FUNCTION zaqar_delete_queues(projects text[], names text[]) RETURNS void
    LANGUAGE plpgsql VOLATILE AS $fn$
    DECLARE
      i int;
    BEGIN
      DELETE FROM queues q USING unnest(projects, names) AS d(project, name)
       WHERE q.project = d.project AND q.name = d.name;
      FOR i IN 1 .. coalesce(array_length(projects, 1), 0) LOOP
        DELETE FROM messages WHERE project = projects[i] AND queue = names[i];
        DELETE FROM claims WHERE project = projects[i] AND queue = names[i];
        ${withSubscriptions ? 'DELETE FROM subscriptions WHERE project = projects[i] AND queue = names[i];' : ''}
      END LOOP;
    END
    $fn$`;
}
