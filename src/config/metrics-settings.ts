import { SettingsError, toBool, toInt } from './config-values';
import type { ZaqarConf } from './zaqar-conf';

/** GET /metrics and what feeds it (this server's own options, zaqar.conf `[metrics]`). */
export interface MetricsSettings {
  /** METRICS=off: no endpoint, no counting anywhere. */
  enabled: boolean;
  /** How many recently active queues get series of their own (0: none). */
  queues: number;
  /** A bearer token that may scrape without other credentials; undefined: none. */
  token?: string;
}

/** Each tracked queue costs a read per scrape and three series; past this a scrape is no longer cheap. */
const MAX_TRACKED_QUEUES = 1000;

/** As for the encryption key: a token is a secret, not a password to remember. */
const MIN_TOKEN_LENGTH = 16;

export function readMetricsSettings(env: Record<string, string | undefined>, conf: ZaqarConf): MetricsSettings {
  const section = conf.metrics ?? {};
  const queues = toInt('METRICS_QUEUES', env.METRICS_QUEUES ?? section.queues ?? '50');
  if (queues < 0 || queues > MAX_TRACKED_QUEUES) {
    throw new SettingsError(`METRICS_QUEUES must be 0..${MAX_TRACKED_QUEUES}, not ${queues}`);
  }
  const token = (env.METRICS_TOKEN ?? section.token ?? '').trim() || undefined;
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
    throw new SettingsError(`METRICS_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters long`);
  }
  return { enabled: toBool('METRICS', env.METRICS ?? section.enabled ?? 'on'), queues, token };
}
