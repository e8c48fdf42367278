import type Redis from 'ioredis';

/**
 * The longest wait between two attempts to reconnect to Redis: BullMQ's own schedule grows to 20 s,
 * which would leave jobs stopped that long after Redis is back; a try a second costs one refused connect.
 */
export const REDIS_RECONNECT_MAX_MS = 1000;

/**
 * Closes an ioredis client: with QUIT when connected, else at once. A QUIT behind commands still
 * waiting for a Redis that is down (a subscribe made before it ever answered) would wait with them,
 * and hold the server's shutdown for good.
 */
export async function closeRedis(client: Redis | undefined): Promise<void> {
  if (client?.status === 'ready') await client.quit();
  else client?.disconnect();
}

/** ioredis options from a redis:// URL (BullMQ takes options, not a URL). */
export function redisConnection(url: string) {
  const parsed = new URL(url);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: Number(parsed.port || 6379),
    db: Number(parsed.pathname.slice(1) || 0),
    username: parsed.username || undefined,
    password: parsed.password || undefined,
    maxRetriesPerRequest: null,
    retryStrategy: (attempt: number) => Math.min(attempt * 100, REDIS_RECONNECT_MAX_MS),
  };
}
