import type { Logger } from '@nestjs/common';

/** What the helper listens on: an ioredis client, a BullMQ queue or worker, BullMQ's client wrapper. */
interface Emitter {
  on(event: string, listener: (...args: any[]) => void): unknown;
}

/** A failure to reach Redis (refused, reset, timed out: a system error code), not an error Redis answered. */
function isConnectionFailure(error: Error): boolean {
  return /^E[A-Z]+$/.test(String((error as NodeJS.ErrnoException).code));
}

/**
 * Logs the 'error' events of a Redis client (ioredis, or a BullMQ worker) through `logger`.
 * Unheard, ioredis and BullMQ print each failed reconnect with its stack to stderr, beside the
 * JSON log: dozens of lines a second for as long as Redis is down. A connection failure is logged
 * once until `ready` (the client, or the connection of a BullMQ queue) is ready again; any other
 * error each time. A BullMQ queue gives its connection only once it is first ready (`queue.client`):
 * that promise resolving is the first end of an outage.
 */
export function logRedisErrors(
  client: Emitter,
  logger: Logger,
  what: string,
  ready: Emitter | Promise<Emitter> = client,
): void {
  let unreachable = false;
  client.on('error', (error: Error) => {
    if (!isConnectionFailure(error)) {
      logger.warn(`${what}: ${error.message}`);
    } else if (!unreachable) {
      unreachable = true;
      logger.warn(`${what}: Redis unreachable (${error.message}), reconnecting`);
    }
  });
  const reachable = () => {
    if (unreachable) logger.log(`${what}: Redis reachable again`);
    unreachable = false;
  };
  if (!(ready instanceof Promise)) {
    ready.on('ready', reachable);
    return;
  }
  // a queue closed before Redis ever answered rejects; its errors were heard above
  ready.then(
    (emitter) => {
      reachable();
      emitter.on('ready', reachable);
    },
    () => undefined,
  );
}
