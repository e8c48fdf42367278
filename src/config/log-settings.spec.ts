import { SettingsError } from './config-values';
import { readLogSettings } from './log-settings';

describe('log settings', () => {
  it('logs JSON lines at info by default', () => {
    expect(readLogSettings({})).toEqual({ level: 'info', format: 'json' });
  });

  it("takes pino's level names, and NestJS's names for info and trace", () => {
    expect(readLogSettings({ LOG_LEVEL: 'WARN' }).level).toBe('warn');
    expect(readLogSettings({ LOG_LEVEL: 'log' }).level).toBe('info');
    expect(readLogSettings({ LOG_LEVEL: 'verbose' }).level).toBe('trace');
    expect(readLogSettings({ LOG_FORMAT: 'pretty' }).format).toBe('pretty');
  });

  it('refuses an unknown level or format, naming the setting', () => {
    expect(() => readLogSettings({ LOG_LEVEL: 'loud' })).toThrow(SettingsError);
    expect(() => readLogSettings({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL must be one of fatal, error/);
    expect(() => readLogSettings({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT must be "json" or "pretty"/);
  });
});
