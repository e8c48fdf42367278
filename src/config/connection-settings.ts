import { SettingsError, toInt } from './config-values';

/** Pings are how a dead peer is found at all, so they cannot be turned off; more often than this is a flood. */
const MIN_PING_INTERVAL_MS = 100;

/** How long a client may take over a connection before it is closed, ms (0 turns a timeout off), and the ping period. */
export interface ConnectionSettings {
  /** From the first byte of a request to the end of its headers (HEADERS_TIMEOUT_MS). */
  headersTimeoutMs: number;
  /** From the first byte of a request to the end of its body (REQUEST_TIMEOUT_MS); a long poll's wait is not counted. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection (KEEP_ALIVE_TIMEOUT_MS). */
  keepAliveTimeoutMs: number;
  /** WebSocket and Socket.IO ping period; a peer that misses a whole period's pong is dropped (SOCKET_PING_INTERVAL_MS, at least 100). */
  socketPingIntervalMs: number;
}

type Env = Record<string, string | undefined>;

export function readConnectionSettings(env: Env): ConnectionSettings {
  const settings = {
    headersTimeoutMs: nonNegative('HEADERS_TIMEOUT_MS', env.HEADERS_TIMEOUT_MS ?? '10000'),
    requestTimeoutMs: nonNegative('REQUEST_TIMEOUT_MS', env.REQUEST_TIMEOUT_MS ?? '30000'),
    keepAliveTimeoutMs: nonNegative('KEEP_ALIVE_TIMEOUT_MS', env.KEEP_ALIVE_TIMEOUT_MS ?? '72000'),
    socketPingIntervalMs: toInt('SOCKET_PING_INTERVAL_MS', env.SOCKET_PING_INTERVAL_MS ?? '25000'),
  };
  if (settings.socketPingIntervalMs < MIN_PING_INTERVAL_MS) {
    throw new SettingsError(`SOCKET_PING_INTERVAL_MS must be at least ${MIN_PING_INTERVAL_MS}`);
  }
  const { headersTimeoutMs: headers, requestTimeoutMs: request } = settings;
  // Node refuses a headers timeout longer than the request's: the headers are part of the request.
  if (request > 0 && headers > request) {
    throw new SettingsError(`HEADERS_TIMEOUT_MS (${headers}) may not exceed REQUEST_TIMEOUT_MS (${request})`);
  }
  return settings;
}

function nonNegative(name: string, raw: string): number {
  const value = toInt(name, raw);
  if (value < 0) throw new SettingsError(`${name} must be 0 or more, not ${value}`);
  return value;
}
