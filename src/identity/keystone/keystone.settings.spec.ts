import { SettingsError } from '../../config/settings';
import { loadKeystoneSettings } from './keystone.settings';

const ENV = {
  KEYSTONE_AUTH_URL: 'http://127.0.0.1:5000/v3',
  KEYSTONE_USERNAME: 'zaqar',
  KEYSTONE_PASSWORD: 'secret',
  KEYSTONE_PROJECT_NAME: 'service',
};

// what devstack writes for Zaqar
const SECTION = {
  www_authenticate_uri: 'http://keystone.example/identity',
  auth_url: 'http://10.0.0.5/identity',
  auth_type: 'password',
  username: 'zaqar',
  password: 'conf-secret',
  project_name: 'service',
  user_domain_name: 'Users',
  project_domain_name: 'Projects',
  token_cache_time: '120',
};

describe('loadKeystoneSettings', () => {
  it('reads KEYSTONE_* variables, with Default domains and a 300 s token cache', () => {
    expect(loadKeystoneSettings(ENV)).toEqual({
      authUrl: 'http://127.0.0.1:5000/v3',
      wwwAuthenticateUri: 'http://127.0.0.1:5000/v3',
      username: 'zaqar',
      password: 'secret',
      projectName: 'service',
      userDomainName: 'Default',
      projectDomainName: 'Default',
      tokenCacheTime: 300,
    });
  });

  it("reads [keystone_authtoken] under keystonemiddleware's option names", () => {
    expect(loadKeystoneSettings({}, SECTION)).toEqual({
      authUrl: 'http://10.0.0.5/identity/v3',
      wwwAuthenticateUri: 'http://keystone.example/identity',
      username: 'zaqar',
      password: 'conf-secret',
      projectName: 'service',
      userDomainName: 'Users',
      projectDomainName: 'Projects',
      tokenCacheTime: 120,
    });
  });

  it('lets each environment variable override its zaqar.conf option', () => {
    const settings = loadKeystoneSettings(
      { KEYSTONE_PASSWORD: 'env-secret', KEYSTONE_TOKEN_CACHE_TIME: '30', KEYSTONE_USERNAME: '' },
      SECTION,
    );
    expect(settings).toMatchObject({ password: 'env-secret', tokenCacheTime: 30, username: 'zaqar' });
  });

  it('uses www_authenticate_uri for both when auth_url is not set', () => {
    const { auth_url: _, ...section } = SECTION;
    expect(loadKeystoneSettings({}, section)).toMatchObject({
      authUrl: 'http://keystone.example/identity/v3',
      wwwAuthenticateUri: 'http://keystone.example/identity',
    });
  });

  it.each([
    ['http://keystone:5000', 'http://keystone:5000/v3'],
    ['http://keystone:5000/', 'http://keystone:5000/v3'],
    ['https://keystone/v3/', 'https://keystone/v3'],
    ['http://host/identity/v3', 'http://host/identity/v3'],
  ])('speaks Identity v3 at auth URL %s as %s', (raw, expected) => {
    expect(loadKeystoneSettings({ ...ENV, KEYSTONE_AUTH_URL: raw }).authUrl).toBe(expected);
  });

  it.each(['http://keystone:5000/v2.0', 'keystone:5000', 'ftp://keystone/v3'])('refuses auth URL %s', (raw) => {
    expect(() => loadKeystoneSettings({ ...ENV, KEYSTONE_AUTH_URL: raw })).toThrow(SettingsError);
  });

  it('turns the cache off for token_cache_time = -1, as keystonemiddleware does', () => {
    expect(loadKeystoneSettings({ ...ENV, KEYSTONE_TOKEN_CACHE_TIME: '-1' }).tokenCacheTime).toBe(0);
  });

  it.each(['-2', '5m', '1.5'])('refuses token_cache_time %s', (raw) => {
    expect(() => loadKeystoneSettings({ ...ENV, KEYSTONE_TOKEN_CACHE_TIME: raw })).toThrow(SettingsError);
  });

  it('names the variable and the option when a required setting is missing', () => {
    const { KEYSTONE_PASSWORD: _, ...env } = ENV;
    expect(() => loadKeystoneSettings(env)).toThrow(
      'Keystone authentication needs KEYSTONE_PASSWORD or [keystone_authtoken] password',
    );
    expect(() => loadKeystoneSettings({})).toThrow(/KEYSTONE_AUTH_URL or \[keystone_authtoken\] auth_url/);
  });
});
