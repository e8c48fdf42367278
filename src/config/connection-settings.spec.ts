import { SettingsError } from './config-values';
import { readConnectionSettings } from './connection-settings';

describe('connection settings', () => {
  it('default to 10 s for headers, 30 s for a request, 72 s idle, and a ping every 25 s', () => {
    expect(readConnectionSettings({})).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 72_000,
      socketPingIntervalMs: 25_000,
    });
  });

  it('take each from its variable; 0 turns a timeout off', () => {
    const env = { HEADERS_TIMEOUT_MS: '0', REQUEST_TIMEOUT_MS: '0', KEEP_ALIVE_TIMEOUT_MS: '5000' };
    expect(readConnectionSettings({ ...env, SOCKET_PING_INTERVAL_MS: '100' })).toEqual({
      headersTimeoutMs: 0,
      requestTimeoutMs: 0,
      keepAliveTimeoutMs: 5_000,
      socketPingIntervalMs: 100,
    });
  });

  it.each([
    [{ HEADERS_TIMEOUT_MS: '40000' }, 'HEADERS_TIMEOUT_MS (40000) may not exceed REQUEST_TIMEOUT_MS (30000)'],
    [{ KEEP_ALIVE_TIMEOUT_MS: '-1' }, 'KEEP_ALIVE_TIMEOUT_MS must be 0 or more, not -1'],
    [{ REQUEST_TIMEOUT_MS: '30s' }, 'REQUEST_TIMEOUT_MS must be an integer, not "30s"'],
    [{ SOCKET_PING_INTERVAL_MS: '0' }, 'SOCKET_PING_INTERVAL_MS must be at least 100'],
  ])('refuse %j', (env, message) => {
    expect(() => readConnectionSettings(env)).toThrow(new SettingsError(message));
  });
});
