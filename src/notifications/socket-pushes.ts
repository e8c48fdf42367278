import cluster from 'node:cluster';
import { onSiblingMessages, sendToOtherWorkers } from '../process/worker-relay';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import type { Settings } from '../config/settings';
import { SETTINGS } from '../config/settings.module';
import { isJsonObject } from '../common/request-body';
import { closeRedis, redisConnection } from '../jobs/redis-connection';
import { logRedisErrors } from '../jobs/redis-error-log';

/** The subscriber URI of a socket subscription: the connection's id under a scheme no client may register. */
export const SOCKET_SCHEME = 'socket';

export function socketSubscriber(connectionId: string): string {
  return `${SOCKET_SCHEME}:${connectionId}`;
}

export function socketConnectionId(subscriber: string): string | undefined {
  return subscriber.startsWith(`${SOCKET_SCHEME}:`) ? subscriber.slice(SOCKET_SCHEME.length + 1) : undefined;
}

/** What reaches a connection: the notification, as a webhook would be posted it. */
export type Push = (notification: Record<string, unknown>) => void;

const RELAY_TOPIC = 'socketPush';

interface Envelope {
  zaqarSocketPush: { connection: string; notification: Record<string, unknown> };
}

const isEnvelope = (value: unknown): value is Envelope =>
  isJsonObject(value) && isJsonObject(value.zaqarSocketPush) && typeof value.zaqarSocketPush.connection === 'string';

function parsedOrUndefined(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/**
 * Hands a notification to the socket it is for, wherever it is connected: to a connection of this
 * process directly; else, with Redis, over a pub/sub channel every server process listens on; else,
 * in a cluster worker, through the primary, which passes it to every other worker (worker-processes).
 * A connection no process holds has gone, and its subscriptions with it.
 */
@Injectable()
export class SocketPushes implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SocketPushes.name);
  private readonly local = new Map<string, Push>();
  private readonly channel: string;
  private publisher?: Redis;
  private listener?: Redis;
  private stopRelay?: () => void;

  constructor(@Inject(SETTINGS) private readonly settings: Settings) {
    this.channel = `${settings.redisPrefix}:zaqar:socket-pushes`;
  }

  onApplicationBootstrap(): void {
    const url = this.settings.redisUrl;
    if (url) {
      this.publisher = new Redis(redisConnection(url));
      this.listener = new Redis(redisConnection(url));
      logRedisErrors(this.publisher, this.logger, 'socket push publisher');
      logRedisErrors(this.listener, this.logger, 'socket push listener');
      this.listener.on('message', (_channel, raw: string) => {
        // Anyone who can publish on the channel reaches this: a message that is not ours is dropped.
        const message = parsedOrUndefined(raw);
        if (isEnvelope(message)) this.deliverHere(message);
      });
      // not awaited, so that a server whose Redis is down starts: ioredis subscribes once it connects
      this.listener.subscribe(this.channel).catch((error: Error) => {
        this.logger.warn(`could not listen for socket pushes: ${error.message}`);
      });
    } else if (cluster.isWorker) {
      this.stopRelay = onSiblingMessages(RELAY_TOPIC, (message) => {
        if (isEnvelope(message)) this.deliverHere(message);
      });
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopRelay?.();
    await Promise.all([closeRedis(this.publisher), closeRedis(this.listener)]);
  }

  register(connectionId: string, push: Push): void {
    this.local.set(connectionId, push);
  }

  unregister(connectionId: string): void {
    this.local.delete(connectionId);
  }

  /** Sends the notification towards its connection; resolves once it has been handed on. */
  async push(connectionId: string, notification: Record<string, unknown>): Promise<void> {
    const envelope: Envelope = { zaqarSocketPush: { connection: connectionId, notification } };
    if (this.deliverHere(envelope)) return;
    if (this.publisher) {
      await this.publisher.publish(this.channel, JSON.stringify(envelope));
    } else {
      sendToOtherWorkers(RELAY_TOPIC, envelope);
    }
  }

  private deliverHere({ zaqarSocketPush: { connection, notification } }: Envelope): boolean {
    const push = this.local.get(connection);
    if (!push) return false;
    try {
      push(notification);
    } catch (error) {
      this.logger.warn(`push to socket ${connection} failed: ${(error as Error).message}`);
    }
    return true;
  }
}
