import * as os from 'node:os';
import pino, { DestinationStream, Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogSettings } from '../config/log-settings';

/** The server's pino logger and the stream it writes to, which request lines share. */
export interface ServerLog {
  logger: Logger;
  stream: DestinationStream;
}

/**
 * JSON lines on stdout, written asynchronously so that a request never waits on the terminal or
 * the pipe; or pino-pretty's colours for development (it reads the same JSON lines).
 */
export function createServerLog(settings: LogSettings): ServerLog {
  const stream =
    settings.format === 'pretty' ? pretty({ colorize: true, sync: true }) : pino.destination({ sync: false });
  const logger = pino({ level: settings.level, timestamp: pino.stdTimeFunctions.isoTime }, stream);
  return { logger, stream };
}

/** What pino puts at the start of each line (after level and time), for lines written without it. */
export const LINE_BINDINGS = `,"pid":${process.pid},"hostname":${JSON.stringify(os.hostname())}`;
