import { SettingsError } from './config-values';
import { readLogSettings } from './log-settings';

describe('log settings', () => {
  it('logs JSON lines at info by default', () => {
    expect(readLogSettings({})).toEqual({ level: 'info', format: 'json', requestsPerSecond: 1000 });
  });

  it("takes pino's level names, and NestJS's names for info and trace", () => {
    expect(readLogSettings({ LOG_LEVEL: 'WARN' }).level).toBe('warn');
    expect(readLogSettings({ LOG_LEVEL: 'log' }).level).toBe('info');
    expect(readLogSettings({ LOG_LEVEL: 'verbose' }).level).toBe('trace');
    expect(readLogSettings({ LOG_FORMAT: 'pretty' }).format).toBe('pretty');
  });

  it('caps request lines per second, or not with "all"', () => {
    expect(readLogSettings({ LOG_REQUESTS_PER_SECOND: '50' }).requestsPerSecond).toBe(50);
    expect(readLogSettings({ LOG_REQUESTS_PER_SECOND: 'All' }).requestsPerSecond).toBe(Infinity);
    expect(() => readLogSettings({ LOG_REQUESTS_PER_SECOND: '0' })).toThrow(/at least 1 or "all"/);
    expect(() => readLogSettings({ LOG_REQUESTS_PER_SECOND: 'many' })).toThrow(/must be an integer/);
  });

  it('refuses an unknown level or format, naming the setting', () => {
    expect(() => readLogSettings({ LOG_LEVEL: 'loud' })).toThrow(SettingsError);
    expect(() => readLogSettings({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL must be one of fatal, error/);
    expect(() => readLogSettings({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT must be "json" or "pretty"/);
  });
});
