import { DEFAULT_LIMITS, TransportLimits } from './limits';
import { SettingsError, toBool, toInt } from './config-values';
import { NotificationSettings, readNotificationSettings } from './notification-settings';
import { readEncryptionKey } from './encryption-key';
import { ConnectionSettings, readConnectionSettings } from './connection-settings';
import { LogSettings, readLogSettings } from './log-settings';
import { MetricsSettings, readMetricsSettings } from './metrics-settings';
import { readZaqarConf, ZaqarConf } from './zaqar-conf';

export { SettingsError } from './config-values';

/** Everything the server is configured with, typed and validated once at start. */
export interface Settings {
  host: string;
  port: number;
  /** Zaqar's WebSocket JSON protocol: its own address (null: not served). */
  websocket: { host: string; port: number } | null;
  /** The same protocol as Socket.IO events on the REST port, at /socket.io/ (SOCKETIO=off: not served). */
  socketio: boolean;
  /** Timeouts of slow and idle clients, and the sockets' ping period. */
  connections: ConnectionSettings;
  /** Server processes sharing the port (see process/worker-processes). */
  workers: number;
  /** `sqlite:<path>` (embedded default) or `postgres://…`. */
  storageUrl: string;
  /** Pools and flavors: STORAGE_URL becomes the management store and queues live on pools ([DEFAULT] pooling). */
  pooling: boolean;
  /** API v1.1 served beside v2 at /v1.1 ([DEFAULT] enable_deprecated_api_versions = 1.1). */
  apiV1_1: boolean;
  /** Each message shown carries its body's checksum, `MD5:<hex>` ([DEFAULT] enable_checksum). */
  enableChecksum: boolean;
  /** AES-256 key of queues with `_enable_encrypt_messages` ([transport] message_encryption_key); null: none. */
  messageEncryptionKey: Buffer | null;
  /** BullMQ on this Redis when set; jobs run in process otherwise. */
  redisUrl?: string;
  /** Where in Redis the job queues live (BullMQ's prefix): servers sharing a prefix share their jobs. */
  redisPrefix: string;
  /** How often expired messages and claims are removed for good, ms. */
  sweepIntervalMs: number;
  /** How long a queue's metadata may be reused by post, list and claim, ms (0: read it every time). */
  metadataCacheMs: number;
  /** How long a queue's stats may be reused, ms (0: count every time). */
  statsCacheMs: number;
  limits: TransportLimits;
  /** `noauth` (trusted X-Project-ID/X-Roles headers) or `keystone` (validated X-Auth-Token). */
  authStrategy: AuthStrategy;
  /** Key that signs and verifies pre-signed URLs ([signed_url] secret_key). */
  signedUrlSecretKey: string;
  notification: NotificationSettings;
  /** Stages every post runs through before it is stored ([storage] message_pipeline), in order. */
  messagePipeline: string[];
  log: LogSettings;
  /** GET /metrics: METRICS, METRICS_QUEUES, METRICS_TOKEN (or zaqar.conf `[metrics]`). */
  metrics: MetricsSettings;
  /** The whole zaqar.conf, for sections read by the modules that own them ([keystone_authtoken]). */
  conf: ZaqarConf;
}

export type AuthStrategy = 'noauth' | 'keystone';

type Env = Record<string, string | undefined>;

export function loadSettings(env: Env = process.env): Settings {
  const conf: ZaqarConf = env.ZAQAR_CONFIG ? readZaqarConf(env.ZAQAR_CONFIG) : {};
  const wsgi = conf['drivers:transport:wsgi'] ?? {};
  const authStrategy = readAuthStrategy(env.AUTH_STRATEGY ?? conf.DEFAULT?.auth_strategy);
  const host = env.HOST ?? wsgi.bind ?? '127.0.0.1';
  const port = toInt('PORT', env.PORT ?? wsgi.port ?? '8888');
  return {
    host,
    port,
    websocket: readWebsocket(env, conf, host),
    socketio: toBool('SOCKETIO', env.SOCKETIO ?? 'on'),
    connections: readConnectionSettings(env),
    workers: readWorkers(env.WORKERS ?? '1'),
    storageUrl: env.STORAGE_URL ?? 'sqlite:data/zaqar.db',
    pooling: toBool('POOLING', env.POOLING ?? conf.DEFAULT?.pooling ?? 'off'),
    messageEncryptionKey: readEncryptionKey(env, conf),
    apiV1_1: readDeprecatedVersions(env.ENABLE_DEPRECATED_API_VERSIONS ?? conf.DEFAULT?.enable_deprecated_api_versions),
    enableChecksum: toBool('ENABLE_CHECKSUM', env.ENABLE_CHECKSUM ?? conf.DEFAULT?.enable_checksum ?? 'off'),
    redisUrl: env.REDIS_URL || undefined,
    redisPrefix: env.REDIS_PREFIX || 'bull',
    sweepIntervalMs: toInt('SWEEP_INTERVAL_MS', env.SWEEP_INTERVAL_MS ?? '30000'),
    metadataCacheMs: toInt('METADATA_CACHE_MS', env.METADATA_CACHE_MS ?? '1000'),
    statsCacheMs: toInt('STATS_CACHE_MS', env.STATS_CACHE_MS ?? '500'),
    limits: readLimits(conf.transport ?? {}),
    authStrategy,
    notification: readNotificationSettings(env, conf, authStrategy, serverUrl(host, port)),
    signedUrlSecretKey: env.SIGNED_URL_SECRET_KEY ?? conf.signed_url?.secret_key ?? '',
    messagePipeline: commaList(env.MESSAGE_PIPELINE ?? conf.storage?.message_pipeline ?? NOTIFIER),
    log: readLogSettings(env),
    metrics: readMetricsSettings(env, conf),
    conf,
  };
}

/** The server's own address, for links when no public one is configured. */
function serverUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** WS_PORT (off: not served), else zaqar.conf [drivers:transport:websocket] bind and port; 9000 as Zaqar. */
function readWebsocket(env: Env, conf: ZaqarConf, host: string): Settings['websocket'] {
  const section = conf['drivers:transport:websocket'] ?? {};
  const raw = (env.WS_PORT ?? section.port ?? '9000').trim();
  if (raw.toLowerCase() === 'off') return null;
  return { host: env.WS_HOST ?? section.bind ?? host, port: toInt('WS_PORT', raw) };
}

/** Zaqar's notifier stage, on unless the configuration names the pipeline (Zaqar's default is none). */
const NOTIFIER = 'zaqar.notification.notifier';

/** oslo.config's list option: comma-separated, blanks dropped. */
function commaList(raw: string): string[] {
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function readLimits(section: Record<string, string>): TransportLimits {
  const limits: TransportLimits = { ...DEFAULT_LIMITS, subscriber_types: [...DEFAULT_LIMITS.subscriber_types] };
  const assign = limits as unknown as Record<string, unknown>;
  for (const [name, raw] of Object.entries(section)) {
    if (!(name in limits)) continue; // options of Zaqar features we do not have yet are accepted silently
    const current = assign[name];
    const where = `[transport] ${name}`;
    if (typeof current === 'number') assign[name] = toInt(where, raw);
    else if (typeof current === 'boolean') assign[name] = toBool(where, raw);
    else if (Array.isArray(current))
      assign[name] = raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    else assign[name] = raw;
  }
  if (limits.client_id_uuid_safe !== 'strict' && limits.client_id_uuid_safe !== 'off') {
    throw new SettingsError(
      `[transport] client_id_uuid_safe must be "strict" or "off", not "${limits.client_id_uuid_safe}"`,
    );
  }
  return limits;
}

/** Zaqar's choices are 1 and 1.1; v1 (a different message format) is not served here. */
function readDeprecatedVersions(raw: string | undefined): boolean {
  const versions = commaList(raw ?? '');
  const unknown = versions.filter((version) => version !== '1.1');
  if (unknown.length) {
    throw new SettingsError(
      `ENABLE_DEPRECATED_API_VERSIONS may name 1.1 only (API v1 is not served), not "${unknown.join(', ')}"`,
    );
  }
  return versions.length > 0;
}

function readWorkers(raw: string): number {
  const workers = toInt('WORKERS', raw);
  if (workers < 1 || workers > 64) throw new SettingsError(`WORKERS must be 1..64, not ${workers}`);
  return workers;
}

/** Zaqar's empty auth_strategy means no authentication, which is our noauth. */
function readAuthStrategy(raw: string | undefined): AuthStrategy {
  const value = (raw ?? '').trim() || 'noauth';
  if (value !== 'noauth' && value !== 'keystone') {
    throw new SettingsError(`AUTH_STRATEGY must be "noauth" or "keystone", not "${value}"`);
  }
  return value;
}
