import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import Database from 'better-sqlite3';
import { Queue } from 'bullmq';
import { MAINTENANCE_QUEUE } from '../../src/jobs/bullmq/maintenance.queue';
import { NOTIFICATIONS_QUEUE } from '../../src/jobs/bullmq/notifications.queue';
import { redisConnection } from '../../src/jobs/redis-connection';
import { MetricsModule } from '../../src/metrics/metrics.module';
import { JobsModule } from '../../src/jobs/jobs.module';
import { loadSettings, Settings } from '../../src/config/settings';
import { SettingsModule } from '../../src/config/settings.module';
import { MESSAGE_STORE, MessageStore } from '../../src/storage/storage.contract';
import { StorageModule } from '../../src/storage/storage.module';
import { sqliteBackend, TestBackend } from '../support/backends';

/** Redis database of its own, so a test run never meets another run's job schedulers. */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/7';

const RUNNERS: Array<[string, string | undefined]> = [
  ['BullMQ repeatable job on Redis', REDIS_URL],
  ['in-process timer', undefined],
];

describe.each(RUNNERS)('the expiry sweep as a %s', (_name, redisUrl) => {
  let backend: TestBackend;
  let app: INestApplicationContext;

  beforeAll(async () => {
    backend = await sqliteBackend();
    const settings: Settings = { ...loadSettings({}), storageUrl: backend.url, redisUrl, sweepIntervalMs: 200 };
    app = await NestFactory.createApplicationContext(
      {
        module: class SweepTestModule {},
        imports: [
          SettingsModule.forRoot(settings),
          StorageModule.forRoot(settings.storageUrl),
          JobsModule.forRoot(settings),
          MetricsModule.forRoot({ ...settings, metrics: { ...settings.metrics, enabled: false } }),
        ],
      },
      { logger: ['error'] },
    );
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    // the jobs module brings the notifications queue and its scheduler along
    for (const name of redisUrl ? [MAINTENANCE_QUEUE, NOTIFICATIONS_QUEUE] : []) {
      const queue = new Queue(name, { connection: redisConnection(redisUrl!) });
      await queue.obliterate({ force: true });
      await queue.close();
    }
    await backend?.drop();
  });

  it('removes expired messages from storage for good, and leaves live ones', async () => {
    const messages = app.get<MessageStore>(MESSAGE_STORE);
    const ref = { project: 'sweep', queue: 'q' };
    // These expire 3 s from now, not at once: the sweep runs every 200 ms, and it removed messages
    // posted already expired before the first count below could see them (a CI run saw 1 row, not 3).
    const expiringSoon = Date.now() - 57_000;
    await messages.post(
      ref,
      'client',
      [
        { body: 'old', ttl: 60, delay: 0 },
        { body: 'old', ttl: 60, delay: 0 },
      ],
      expiringSoon,
    );
    await messages.post(ref, 'client', [{ body: 'live', ttl: 3600, delay: 0 }], Date.now());

    const file = backend.url.slice('sqlite:'.length);
    const rows = () => {
      const db = new Database(file, { readonly: true });
      try {
        return (db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    expect(rows()).toBe(3);
    const deadline = Date.now() + 15_000;
    while (rows() > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(rows()).toBe(1);
    if (redisUrl) {
      // the sweep ran as BullMQ jobs, not through some other path
      const queue = new Queue(MAINTENANCE_QUEUE, { connection: redisConnection(redisUrl) });
      try {
        expect((await queue.getJobCounts('completed')).completed).toBeGreaterThan(0);
      } finally {
        await queue.close();
      }
    }
  });
});
