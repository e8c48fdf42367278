/**
 * The longest wait between two attempts to reconnect to Redis: BullMQ's own schedule grows to 20 s,
 * which would leave jobs stopped that long after Redis is back; a try a second costs one refused connect.
 */
export const REDIS_RECONNECT_MAX_MS = 1000;

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
