import { IdentityUnavailable } from './identity-unavailable';
import { KeystoneClient } from './keystone.client';

const AUTH_URL = 'http://keystone.test/v3';
const SETTINGS = {
  authUrl: AUTH_URL,
  username: 'zaqar',
  password: 'secret',
  projectName: 'service',
  userDomainName: 'Default',
  projectDomainName: 'Default',
  tokenCacheTime: 300,
};
const T0 = Date.parse('2030-01-01T00:00:00Z');
const HOUR = 3_600_000;

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

/** A scripted Keystone behind an injectable fetch: counts logins and validations. */
class FakeKeystone {
  logins = 0;
  validations: Array<{ serviceToken: string; subject: string }> = [];
  now = T0;
  serviceTokenLife = HOUR;
  /** Answers to validations, in order; the last one repeats. */
  answers: Array<(serviceToken: string) => Response | Promise<Response>> = [() => json(200, tokenBody())];
  loginAnswer?: () => Response;

  fetch = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const url = String(input);
    const headers = new Headers(init?.headers);
    if (init?.method === 'POST') {
      expect(url).toBe(`${AUTH_URL}/auth/tokens?nocatalog`);
      const auth = JSON.parse(String(init.body)).auth;
      expect(auth.identity.password.user).toEqual({ name: 'zaqar', domain: { name: 'Default' }, password: 'secret' });
      expect(auth.scope).toEqual({ project: { name: 'service', domain: { name: 'Default' } } });
      if (this.loginAnswer) return this.loginAnswer();
      this.logins++;
      return json(
        201,
        { token: { expires_at: new Date(this.now + this.serviceTokenLife).toISOString(), user: { id: 'zaqar-id' } } },
        { 'X-Subject-Token': `service-${this.logins}` },
      );
    }
    expect(url).toBe(`${AUTH_URL}/auth/tokens?nocatalog`);
    const serviceToken = headers.get('x-auth-token')!;
    this.validations.push({ serviceToken, subject: headers.get('x-subject-token')! });
    const answer = this.answers[Math.min(this.validations.length - 1, this.answers.length - 1)];
    return answer(serviceToken);
  }) as typeof fetch;

  client(timeoutMs?: number) {
    return new KeystoneClient(SETTINGS, { fetch: this.fetch, now: () => this.now, timeoutMs });
  }
}

function tokenBody(expiresAt = new Date(T0 + HOUR)) {
  return {
    token: {
      expires_at: expiresAt.toISOString().replace('Z', '000Z'), // Keystone writes microseconds
      user: { id: 'u1', name: 'alice', domain: { id: 'default' } },
      project: { id: 'p1', name: 'alpha', domain: { id: 'default' } },
      roles: [
        { id: 'r1', name: 'member' },
        { id: 'r2', name: 'reader' },
      ],
      is_admin_project: false,
    },
  };
}

const notFound = () =>
  json(404, { error: { code: 404, title: 'Not Found', message: 'Could not recognize Fernet token' } });
const unauthorized = () =>
  json(401, { error: { code: 401, title: 'Unauthorized', message: 'requires authentication' } });

describe('KeystoneClient', () => {
  it('logs in once as the service user and validates with X-Auth-Token and X-Subject-Token', async () => {
    const keystone = new FakeKeystone();
    const validated = await keystone.client().validate('user-token');
    expect(validated).toEqual({
      projectId: 'p1',
      userId: 'u1',
      roles: ['member', 'reader'],
      expiresAt: new Date(T0 + HOUR),
      isAdminProject: false,
    });
    expect(keystone.logins).toBe(1);
    expect(keystone.validations).toEqual([{ serviceToken: 'service-1', subject: 'user-token' }]);
  });

  it('serves a validated token from its cache without asking Keystone again', async () => {
    const keystone = new FakeKeystone();
    const client = keystone.client();
    await client.validate('user-token');
    keystone.now += 299_000;
    expect((await client.validate('user-token'))?.projectId).toBe('p1');
    expect(keystone.validations).toHaveLength(1);
    keystone.now += 1_000; // token_cache_time is over
    await client.validate('user-token');
    expect(keystone.validations).toHaveLength(2);
  });

  it('answers null for a token Keystone does not know, and remembers that for 10 s', async () => {
    const keystone = new FakeKeystone();
    keystone.answers = [notFound];
    const client = keystone.client();
    expect(await client.validate('garbage')).toBeNull();
    keystone.now += 9_000;
    expect(await client.validate('garbage')).toBeNull();
    expect(keystone.validations).toHaveLength(1);
    keystone.now += 1_000;
    expect(await client.validate('garbage')).toBeNull();
    expect(keystone.validations).toHaveLength(2);
  });

  it('answers null without asking Keystone for what cannot be a token', async () => {
    const keystone = new FakeKeystone();
    const client = keystone.client();
    for (const token of ['', 'two words', 'line\nbreak', 'é', 'x'.repeat(8193)]) {
      expect(await client.validate(token)).toBeNull();
    }
    expect(keystone.logins + keystone.validations.length).toBe(0);
  });

  it('renews its service token once when Keystone refuses it, and retries the validation', async () => {
    const keystone = new FakeKeystone();
    keystone.answers = [
      () => json(200, tokenBody()),
      (service) => (service === 'service-1' ? unauthorized() : json(200, tokenBody())), // service-1 revoked
    ];
    const client = keystone.client();
    await client.validate('first');
    expect((await client.validate('second'))?.userId).toBe('u1');
    expect(keystone.logins).toBe(2);
    expect(keystone.validations.map((v) => v.serviceToken)).toEqual(['service-1', 'service-1', 'service-2']);
  });

  it('answers null when Keystone refuses the validation with a fresh service token too', async () => {
    const keystone = new FakeKeystone();
    keystone.answers = [unauthorized];
    expect(await keystone.client().validate('user-token')).toBeNull();
    expect(keystone.logins).toBe(2);
    expect(keystone.validations).toHaveLength(2);
  });

  it('renews its service token before it expires', async () => {
    const keystone = new FakeKeystone();
    keystone.serviceTokenLife = 10 * 60_000;
    const client = keystone.client();
    await client.validate('a');
    keystone.now += 8 * 60_000;
    await client.validate('b');
    expect(keystone.logins).toBe(1);
    keystone.now += 61_000; // less than a minute left
    await client.validate('c');
    expect(keystone.logins).toBe(2);
    expect(keystone.validations.map((v) => v.serviceToken)).toEqual(['service-1', 'service-1', 'service-2']);
  });

  it('shares one login between concurrent validations', async () => {
    const keystone = new FakeKeystone();
    const client = keystone.client();
    await Promise.all(['a', 'b', 'c', 'd'].map((token) => client.validate(token)));
    expect(keystone.logins).toBe(1);
    expect(keystone.validations).toHaveLength(4);
  });

  it('throws IdentityUnavailable, and caches nothing, when Keystone answers 5xx', async () => {
    const keystone = new FakeKeystone();
    keystone.answers = [() => json(503, { error: 'down' }), () => json(200, tokenBody())];
    const client = keystone.client();
    const failure = client.validate('user-token');
    await expect(failure).rejects.toBeInstanceOf(IdentityUnavailable);
    await expect(failure).rejects.toMatchObject({ status: 503, message: expect.stringContaining('503') });
    expect((await client.validate('user-token'))?.projectId).toBe('p1');
  });

  it('throws IdentityUnavailable when Keystone cannot be reached, after one more try', async () => {
    let attempts = 0;
    const client = new KeystoneClient(SETTINGS, {
      fetch: (async () => {
        attempts++;
        throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:5000') });
      }) as typeof fetch,
    });
    await expect(client.validate('user-token')).rejects.toThrow(/unreachable: TypeError: fetch failed .*ECONNREFUSED/);
    expect(attempts).toBe(2);
  });

  it('retries a request once when a kept-alive connection drops under it', async () => {
    const keystone = new FakeKeystone();
    let dropped = 0;
    const client = new KeystoneClient(SETTINGS, {
      now: () => keystone.now,
      fetch: ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
        if (init?.method !== 'POST' && dropped++ === 0) {
          return Promise.reject(new TypeError('fetch failed', { cause: new Error('other side closed') }));
        }
        return keystone.fetch(input, init);
      }) as typeof fetch,
    });
    expect((await client.validate('user-token'))?.projectId).toBe('p1');
    expect(keystone.validations).toHaveLength(1);
  });

  it('throws IdentityUnavailable when Keystone does not answer in time', async () => {
    const keystone = new FakeKeystone();
    keystone.answers = [
      () =>
        new Promise<Response>(() => {
          // never answers; the client's own timeout must end the wait
        }),
    ];
    const hanging = keystone.fetch;
    const client = new KeystoneClient(SETTINGS, {
      now: () => keystone.now,
      timeoutMs: 50,
      fetch: ((input: Parameters<typeof fetch>[0], init?: RequestInit) =>
        new Promise<Response>((resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(init.signal!.reason));
          hanging(input, init).then(resolve, reject);
        })) as typeof fetch,
    });
    await expect(client.validate('user-token')).rejects.toThrow(/no answer within 50 ms/);
  });

  it('throws IdentityUnavailable when Keystone refuses the service credentials', async () => {
    const keystone = new FakeKeystone();
    keystone.loginAnswer = unauthorized;
    const client = keystone.client();
    await expect(client.validate('user-token')).rejects.toThrow(
      /Keystone answered 401 to the service user "zaqar" logging in/,
    );
    keystone.loginAnswer = undefined; // fixed: the next request logs in again
    expect(await client.validate('user-token')).not.toBeNull();
    expect(keystone.logins).toBe(1);
  });

  it('gives a null project for an unscoped token', async () => {
    const keystone = new FakeKeystone();
    const { project: _, roles: __, ...unscoped } = tokenBody().token;
    keystone.answers = [() => json(200, { token: unscoped })];
    expect(await keystone.client().validate('unscoped')).toMatchObject({ projectId: null, roles: [] });
  });
});
