import { SettingsError } from './config-values';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
export type LogFormat = 'json' | 'pretty';

/** What the server logs (LOG_LEVEL) and how (LOG_FORMAT: one JSON object per line, or pretty for development). */
export interface LogSettings {
  level: LogLevel;
  format: LogFormat;
}

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];
/** NestJS's names for two of pino's levels, accepted as LOG_LEVEL took them before. */
const NEST_NAMES: Record<string, LogLevel> = { log: 'info', verbose: 'trace' };

export function readLogSettings(env: Record<string, string | undefined>): LogSettings {
  const rawLevel = (env.LOG_LEVEL ?? 'info').trim().toLowerCase();
  const level = NEST_NAMES[rawLevel] ?? (LEVELS as string[]).find((name) => name === rawLevel);
  if (!level) throw new SettingsError(`LOG_LEVEL must be one of ${LEVELS.join(', ')}, not "${env.LOG_LEVEL}"`);
  const format = (env.LOG_FORMAT ?? 'json').trim().toLowerCase();
  if (format !== 'json' && format !== 'pretty') {
    throw new SettingsError(`LOG_FORMAT must be "json" or "pretty", not "${env.LOG_FORMAT}"`);
  }
  return { level: level as LogLevel, format };
}
