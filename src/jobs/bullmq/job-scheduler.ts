import type { Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';

type SchedulerArgs = Parameters<Queue['upsertJobScheduler']>;

/**
 * Upserts a job scheduler once the queue reaches Redis, and again each time its connection is ready
 * anew: a Redis that restarted without its data (no persistence, a failover to an empty replica) has
 * forgotten the scheduler, and its jobs would not run again until the server restarted. Returns at
 * once, so that a server whose Redis is down starts and serves; its jobs begin when Redis answers.
 */
export function keepJobScheduler(queue: Queue, logger: Logger, ...[id, repeat, template]: SchedulerArgs): void {
  const upsert = () =>
    queue.upsertJobScheduler(id, repeat, template).then(
      () => undefined,
      (error) => logger.warn(`upserting the job scheduler ${id} failed: ${error}`),
    );
  queue.client.then(
    (client) => {
      client.on('ready', upsert);
      return upsert();
    },
    () => undefined, // closed before Redis ever answered
  );
}
