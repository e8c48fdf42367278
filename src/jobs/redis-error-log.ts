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
 * error each time.
 */
export function logRedisErrors(client: Emitter, logger: Logger, what: string, ready: Emitter = client): void {
  let unreachable = false;
  client.on('error', (error: Error) => {
    if (!isConnectionFailure(error)) {
      logger.warn(`${what}: ${error.message}`);
    } else if (!unreachable) {
      unreachable = true;
      logger.warn(`${what}: Redis unreachable (${error.message}), reconnecting`);
    }
  });
  ready.on('ready', () => {
    if (unreachable) logger.log(`${what}: Redis reachable again`);
    unreachable = false;
  });
}
