import cluster from 'node:cluster';
import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import type { Settings } from '../../config/settings';
import { closeRedis, redisConnection } from '../../jobs/redis-connection';
import { logRedisErrors } from '../../jobs/redis-error-log';
import { onSiblingMessages, sendToOtherWorkers } from '../../process/worker-relay';
import { findProvider } from '../../storage/storage-providers';
import type { Signal, SignalChannel } from './message-signals';
import { decodeSignals, encodeSignals } from './signal-codec';

const logger = new Logger('MessageSignals');

/** Redis pub/sub, when the servers share a Redis (REDIS_URL). */
class RedisSignalChannel implements SignalChannel {
  private publisher?: Redis;
  private listener?: Redis;

  constructor(
    private readonly url: string,
    private readonly name: string,
  ) {}

  async open(deliver: (signals: Signal[]) => void): Promise<void> {
    this.publisher = new Redis(redisConnection(this.url));
    this.listener = new Redis(redisConnection(this.url));
    logRedisErrors(this.publisher, logger, 'signal publisher');
    logRedisErrors(this.listener, logger, 'signal listener');
    this.listener.on('message', (_channel, raw: string) => deliver(decodeSignals(raw)));
    // not awaited, so that a server whose Redis is down starts: ioredis subscribes once it connects
    this.listener.subscribe(this.name).catch((error: Error) => {
      logger.warn(`could not listen for message signals: ${error.message}`);
    });
  }

  publish(signals: Signal[]): void {
    this.publisher?.publish(this.name, encodeSignals(signals)).catch((error: Error) => {
      logger.warn(`could not publish message signals: ${error.message}`);
    });
  }

  async close(): Promise<void> {
    await Promise.all([closeRedis(this.publisher), closeRedis(this.listener)]);
  }
}

/** Between the workers of one WORKERS=N server, through its primary. */
class ClusterSignalChannel implements SignalChannel {
  private stop?: () => void;

  async open(deliver: (signals: Signal[]) => void): Promise<void> {
    this.stop = onSiblingMessages('messageSignals', (raw) => {
      if (typeof raw === 'string') deliver(decodeSignals(raw));
    });
  }

  publish(signals: Signal[]): void {
    sendToOtherWorkers('messageSignals', encodeSignals(signals));
  }

  async close(): Promise<void> {
    this.stop?.();
  }
}

/** A lone process: its own posts are all there is to hear. */
const LOCAL_ONLY: SignalChannel = {
  open: async () => undefined,
  publish: () => undefined,
  close: async () => undefined,
};

/**
 * The channel every process of a deployment shares: Redis when configured, else the store's own
 * (PostgreSQL's LISTEN/NOTIFY), else the cluster primary between workers, else none.
 */
export function signalChannelFor(settings: Settings): SignalChannel {
  if (settings.redisUrl)
    return new RedisSignalChannel(settings.redisUrl, `${settings.redisPrefix}:zaqar:message-signals`);
  const ofStore = findProvider(settings.storageUrl)?.signalChannel?.(settings.storageUrl);
  if (ofStore) return ofStore;
  return cluster.isWorker ? new ClusterSignalChannel() : LOCAL_ONLY;
}
