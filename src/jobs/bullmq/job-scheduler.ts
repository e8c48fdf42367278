import type { Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';

type SchedulerArgs = Parameters<Queue['upsertJobScheduler']>;

/**
 * Upserts a job scheduler, and again each time the queue's connection to Redis is ready anew: a
 * Redis that restarted without its data (no persistence, a failover to an empty replica) has
 * forgotten the scheduler, and its jobs would not run again until the server restarted.
 */
export async function keepJobScheduler(queue: Queue, logger: Logger, ...[id, repeat, template]: SchedulerArgs) {
  const upsert = () => queue.upsertJobScheduler(id, repeat, template);
  const client = await queue.client;
  client.on('ready', () => {
    upsert().catch((error) => logger.warn(`restoring the job scheduler ${id} failed: ${error}`));
  });
  await upsert();
}
