import { exposureWarnings } from './exposure-warnings';
import { loadSettings } from './settings';

describe('exposure warnings', () => {
  it('say nothing of the default, which listens on loopback only', () => {
    expect(exposureWarnings(loadSettings({}))).toEqual([]);
    expect(exposureWarnings(loadSettings({ HOST: '::1', WS_HOST: 'localhost' }))).toEqual([]);
  });

  it('warn when trusted headers are served beyond this machine', () => {
    const [warning] = exposureWarnings(loadSettings({ HOST: '0.0.0.0' }));
    expect(warning).toMatch(/^AUTH_STRATEGY=noauth on 0\.0\.0\.0: .*X-Roles: admin/);
  });

  it('warn when Keystone tenants may aim webhooks at private addresses', () => {
    const keystone = { AUTH_STRATEGY: 'keystone', KEYSTONE_AUTH_URL: 'http://127.0.0.1:5000/v3' };
    expect(exposureWarnings(loadSettings(keystone))).toEqual([]);
    expect(exposureWarnings(loadSettings({ ...keystone, WEBHOOK_TARGET_GUARD: 'off' }))).toEqual([
      expect.stringMatching(/^WEBHOOK_TARGET_GUARD=off with keystone/),
    ]);
  });
});
