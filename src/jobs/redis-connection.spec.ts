import { REDIS_RECONNECT_MAX_MS, redisConnection } from './redis-connection';

describe('redisConnection', () => {
  it('reads host, port, database and credentials from the URL', () => {
    expect(redisConnection('redis://user:secret@redis.example:6380/2')).toMatchObject({
      host: 'redis.example',
      port: 6380,
      db: 2,
      username: 'user',
      password: 'secret',
      maxRetriesPerRequest: null,
    });
  });

  it('tries to reconnect soon at first and never waits longer than a second, however long Redis is down', () => {
    const { retryStrategy } = redisConnection('redis://127.0.0.1');
    expect(retryStrategy(1)).toBe(100);
    const waits = Array.from({ length: 10_000 }, (_, i) => retryStrategy(i + 1));
    expect(Math.max(...waits)).toBe(REDIS_RECONNECT_MAX_MS);
    expect(waits.every((wait) => wait > 0)).toBe(true);
  });
});
