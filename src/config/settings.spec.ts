import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_LIMITS } from './limits';
import { loadSettings, SettingsError } from './settings';

function confFile(text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zaqar-conf-')), 'zaqar.conf');
  fs.writeFileSync(file, text);
  return file;
}

describe('settings', () => {
  it('defaults to the embedded store on 127.0.0.1:8888 with Zaqar default limits', () => {
    const settings = loadSettings({});
    expect(settings).toMatchObject({
      host: '127.0.0.1',
      port: 8888,
      storageUrl: 'sqlite:data/zaqar.db',
      redisUrl: undefined,
      redisPrefix: 'bull',
      workers: 1,
    });
    expect(settings.limits).toEqual(DEFAULT_LIMITS);
  });

  it("reads zaqar.conf's [transport] limits and wsgi bind/port under Zaqar's option names", () => {
    const file = confFile(
      '[DEFAULT]\nadmin_mode = True\n[drivers:transport:wsgi]\nbind = 0.0.0.0\nport = 9000\n' +
        '[transport]\nmax_messages_per_page = 50\nmessage_delete_with_claim_id = True\n' +
        'subscriber_types = http, https\nclient_id_uuid_safe = off\nunknown_option = 1\n',
    );
    const settings = loadSettings({ ZAQAR_CONFIG: file });
    expect(settings.host).toBe('0.0.0.0');
    expect(settings.port).toBe(9000);
    expect(settings.limits).toMatchObject({
      max_messages_per_page: 50,
      message_delete_with_claim_id: true,
      subscriber_types: ['http', 'https'],
      client_id_uuid_safe: 'off',
      max_claim_ttl: 43200,
    });
  });

  it('lets environment variables win over the file', () => {
    const file = confFile('[drivers:transport:wsgi]\nport = 9000\n');
    expect(loadSettings({ ZAQAR_CONFIG: file, PORT: '7000' }).port).toBe(7000);
  });

  it('links confirmations to PUBLIC_URL, else to the server itself; the URLs are checked at start', () => {
    expect(loadSettings({ HOST: '::1', PORT: '9000' }).notification).toMatchObject({
      publicUrl: 'http://[::1]:9000',
      publicWebsocketUrl: undefined,
      externalConfirmationUrl: undefined,
    });
    const file = confFile(
      '[notification]\npublic_url = https://zaqar.example.com\npublic_websocket_url = wss://ws.example.com\n' +
        'external_confirmation_url = https://example.com/confirm\n',
    );
    expect(loadSettings({ ZAQAR_CONFIG: file }).notification).toMatchObject({
      publicUrl: 'https://zaqar.example.com',
      publicWebsocketUrl: 'wss://ws.example.com',
      externalConfirmationUrl: 'https://example.com/confirm',
    });
    expect(loadSettings({ ZAQAR_CONFIG: file, PUBLIC_URL: 'http://other:1' }).notification.publicUrl).toBe(
      'http://other:1',
    );
    expect(() => loadSettings({ PUBLIC_URL: 'zaqar.example.com' })).toThrow(
      new SettingsError('PUBLIC_URL must be an absolute http or https URL, not "zaqar.example.com"'),
    );
    expect(() => loadSettings({ PUBLIC_WEBSOCKET_URL: 'http://ws' })).toThrow(SettingsError);
  });

  it('rejects a limit that is not an integer, naming the option', () => {
    const file = confFile('[transport]\nmax_messages_per_page = many\n');
    expect(() => loadSettings({ ZAQAR_CONFIG: file })).toThrow(
      new SettingsError('[transport] max_messages_per_page must be an integer, not "many"'),
    );
  });

  it("serves Zaqar's WebSocket protocol on 9000 by default, WS_PORT or [drivers:transport:websocket], or not at all", () => {
    expect(loadSettings({}).websocket).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(loadSettings({ WS_PORT: '9100', HOST: '0.0.0.0' }).websocket).toEqual({ host: '0.0.0.0', port: 9100 });
    expect(loadSettings({ WS_PORT: 'off' }).websocket).toBeNull();
    const file = confFile('[drivers:transport:websocket]\nbind = 127.0.0.2\nport = 9200\n');
    expect(loadSettings({ ZAQAR_CONFIG: file }).websocket).toEqual({ host: '127.0.0.2', port: 9200 });
    expect(() => loadSettings({ WS_PORT: 'soon' })).toThrow(
      new SettingsError('WS_PORT must be an integer, not "soon"'),
    );
  });

  it('serves the Socket.IO gateway unless SOCKETIO is off', () => {
    expect(loadSettings({}).socketio).toBe(true);
    expect(loadSettings({ SOCKETIO: 'off' }).socketio).toBe(false);
    expect(loadSettings({ SOCKETIO: 'on' }).socketio).toBe(true);
    expect(() => loadSettings({ SOCKETIO: 'later' })).toThrow(
      new SettingsError('SOCKETIO must be a boolean, not "later"'),
    );
  });

  it('runs WORKERS server processes, 1 to 64', () => {
    expect(loadSettings({ WORKERS: '4' }).workers).toBe(4);
    expect(() => loadSettings({ WORKERS: '0' })).toThrow(new SettingsError('WORKERS must be 1..64, not 0'));
    expect(() => loadSettings({ WORKERS: 'all' })).toThrow(new SettingsError('WORKERS must be an integer, not "all"'));
  });

  it("keeps the job queues under REDIS_PREFIX in Redis, BullMQ's own 'bull' when unset or blank", () => {
    expect(loadSettings({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PREFIX: 'zaqar-a' })).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379',
      redisPrefix: 'zaqar-a',
    });
    expect(loadSettings({ REDIS_PREFIX: '' }).redisPrefix).toBe('bull');
  });

  it('serves /metrics unless METRICS is off, tracking 50 queues and taking no bearer token by default', () => {
    expect(loadSettings({}).metrics).toEqual({ enabled: true, queues: 50, token: undefined });
    expect(loadSettings({ METRICS: 'off' }).metrics.enabled).toBe(false);
    expect(() => loadSettings({ METRICS: 'maybe' })).toThrow(
      new SettingsError('METRICS must be a boolean, not "maybe"'),
    );
  });

  it('tracks METRICS_QUEUES queues, 0 (none) to 1000', () => {
    expect(loadSettings({ METRICS_QUEUES: '0' }).metrics.queues).toBe(0);
    expect(loadSettings({ METRICS_QUEUES: '1000' }).metrics.queues).toBe(1000);
    expect(() => loadSettings({ METRICS_QUEUES: '1001' })).toThrow(
      new SettingsError('METRICS_QUEUES must be 0..1000, not 1001'),
    );
    expect(() => loadSettings({ METRICS_QUEUES: 'all' })).toThrow(
      new SettingsError('METRICS_QUEUES must be an integer, not "all"'),
    );
  });

  it('takes METRICS_TOKEN of 16 characters or more; blank is none', () => {
    expect(loadSettings({ METRICS_TOKEN: ' scrape-token-0123 ' }).metrics.token).toBe('scrape-token-0123');
    expect(loadSettings({ METRICS_TOKEN: '  ' }).metrics.token).toBeUndefined();
    expect(() => loadSettings({ METRICS_TOKEN: 'short' })).toThrow(
      new SettingsError('METRICS_TOKEN must be at least 16 characters long'),
    );
  });

  it("reads zaqar.conf's [metrics] section, environment variables winning", () => {
    const file = confFile('[metrics]\nenabled = false\nqueues = 7\ntoken = from-the-file-0123\n');
    expect(loadSettings({ ZAQAR_CONFIG: file }).metrics).toEqual({
      enabled: false,
      queues: 7,
      token: 'from-the-file-0123',
    });
    expect(loadSettings({ ZAQAR_CONFIG: file, METRICS: 'on', METRICS_QUEUES: '3' }).metrics).toMatchObject({
      enabled: true,
      queues: 3,
    });
  });
});
