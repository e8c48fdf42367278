import { SettingsError, toInt } from './config-values';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
export type LogFormat = 'json' | 'pretty';

/** What the server logs (LOG_LEVEL) and how (LOG_FORMAT: one JSON object per line, or pretty for development). */
export interface LogSettings {
  level: LogLevel;
  format: LogFormat;
  /** Request lines a process writes per second at most (LOG_REQUESTS_PER_SECOND, `all` for no cap). */
  requestsPerSecond: number;
}

/** Enough for every request of a busy operator's day; a benchmark's flood is sampled (docs/performance.md). */
const DEFAULT_REQUESTS_PER_SECOND = 1000;

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
  return { level: level as LogLevel, format, requestsPerSecond: readRequestsPerSecond(env.LOG_REQUESTS_PER_SECOND) };
}

function readRequestsPerSecond(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_REQUESTS_PER_SECOND;
  if (raw.trim().toLowerCase() === 'all') return Infinity;
  const perSecond = toInt('LOG_REQUESTS_PER_SECOND', raw);
  if (perSecond < 1) throw new SettingsError(`LOG_REQUESTS_PER_SECOND must be at least 1 or "all", not "${raw}"`);
  return perSecond;
}
