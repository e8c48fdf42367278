import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { redisConnection } from '../../src/jobs/redis-connection';
import { BACKENDS } from './backends';

/** The local Redis; tests that need it fail (never skip) when it is down. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** How a test server runs its background jobs: the environment that selects it. */
export interface JobRunner {
  name: 'in process' | 'BullMQ';
  /** A new environment: a BullMQ runner's servers get a REDIS_PREFIX no other test shares. */
  env(): Record<string, string>;
}

export const IN_PROCESS: JobRunner = { name: 'in process', env: () => ({}) };

export const BULLMQ: JobRunner = {
  name: 'BullMQ',
  env: () => ({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: `zaqar-test-${randomBytes(6).toString('hex')}` }),
};

/** Every job runner an end-to-end suite of background work must pass on. */
export const JOB_RUNNERS = [IN_PROCESS, BULLMQ];

/**
 * Each back end once, the job runners taking turns (`flip` starts with the other): for slow tests of
 * code both runners share.
 */
export function backendsTakingTurns(flip = false) {
  return BACKENDS.map(([backend, makeBackend], i) => {
    const runner = JOB_RUNNERS[(i + (flip ? 1 : 0)) % JOB_RUNNERS.length];
    return [backend, runner.name, makeBackend, runner] as const;
  });
}

/** A BullMQ queue as the servers started with `env` see it; close it after use. */
export function jobQueue(env: Record<string, string>, name: string): Queue {
  return new Queue(name, { connection: redisConnection(env.REDIS_URL), prefix: env.REDIS_PREFIX });
}

/** Deletes every key under the environment's REDIS_PREFIX (nothing without one); stop its servers first. */
export async function dropJobQueues(env: Record<string, string>): Promise<void> {
  if (!env.REDIS_PREFIX) return;
  const queue = jobQueue(env, 'any');
  try {
    const redis = await queue.client;
    for await (const keys of redis.scanStream({ match: `${env.REDIS_PREFIX}:*`, count: 500 })) {
      if ((keys as string[]).length) await redis.del(...(keys as string[]));
    }
  } finally {
    await queue.close();
  }
}
