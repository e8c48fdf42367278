import pino, { Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogSettings } from '../config/log-settings';

/**
 * The server's one pino logger: JSON lines on stdout, written asynchronously so that a request
 * never waits on the terminal or the pipe, or pino-pretty's colours for development.
 */
export function createLogger(settings: LogSettings): Logger {
  const options = { level: settings.level, timestamp: pino.stdTimeFunctions.isoTime };
  if (settings.format === 'pretty') return pino(options, pretty({ colorize: true, sync: true }));
  return pino(options, pino.destination({ sync: false }));
}
