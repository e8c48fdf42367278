import { randomUUID } from 'node:crypto';
import { sqliteBackend, TestBackend } from '../support/backends';
import { describeWithKeystone, KeystoneApi, KeystoneFixture, startKeystone, TestUser } from '../support/keystone';
import type { StartedServer } from '../support/server';
import {
  Caller,
  HeaderSet,
  policyDenied,
  Reply,
  sleep,
  startServerAnyAuth,
  uniqueName,
  zaqarError,
} from './auth-support';

/** keystonemiddleware's answer to a missing or refused token, in our error body. */
const UNAUTHORIZED = zaqarError('Unauthorized', 'The request you have made requires authentication.');
/** token_cache_time of the second server, short enough to watch a cache entry end. */
const CACHE_SECONDS = 5;

describeWithKeystone('the server with AUTH_STRATEGY=keystone, against a real Keystone', () => {
  let keystone: KeystoneFixture;
  let api: KeystoneApi;
  const backends: TestBackend[] = [];
  /** keystonemiddleware's default token cache (300 s); signs URLs too. */
  let server: StartedServer;
  /** Caches validated tokens for CACHE_SECONDS only. */
  let shortCache: StartedServer;

  beforeAll(async () => {
    keystone = await startKeystone();
    console.log(`Keystone started in ${keystone.timings.total} ms (${JSON.stringify(keystone.timings)})`);
    api = new KeystoneApi(keystone.authUrl);
    const start = async (env: Record<string, string>) => {
      const backend = await sqliteBackend();
      backends.push(backend);
      return startServerAnyAuth(backend.url, { AUTH_STRATEGY: 'keystone', ...keystone.env(), ...env });
    };
    [server, shortCache] = await Promise.all([
      start({ SIGNED_URL_SECRET_KEY: 'keystone-e2e-secret' }),
      start({ KEYSTONE_TOKEN_CACHE_TIME: String(CACHE_SECONDS) }),
      keystone.token('admin'), // what revoke() uses, fetched before any test times a revocation
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([server?.kill(), shortCache?.kill()]);
    await Promise.all(backends.map((backend) => backend.drop()));
    await keystone?.stop();
  });

  /** A caller presenting `user`'s token (scoped to its own project), plus any other headers. */
  async function as(user: TestUser, headers: HeaderSet = {}): Promise<Caller> {
    return new Caller(server.url, { 'X-Auth-Token': await keystone.token(user), ...headers });
  }

  /** A token never presented to our servers: the fixture's token() would hand out a cached one. */
  const freshToken = (user: TestUser, project: 'alpha' | 'beta') =>
    api.passwordToken(user, keystone.userPassword, { name: project });

  function expectUnauthorized(reply: { status: number; body: any; headers: Headers }, what: unknown): void {
    expect([what, reply.status, reply.body, reply.headers.get('www-authenticate')]).toEqual([
      what,
      401,
      UNAUTHORIZED,
      `Keystone uri="${keystone.authUrl}"`,
    ]);
  }

  it('GET / lists the versions (300) without a token', async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(300);
    // the document's full content is queues.e2e.ts's business; here only that it is served
    expect(((await res.json()) as any).versions).toContainEqual(
      expect.objectContaining({ id: '2', status: 'CURRENT' }),
    );
  });

  it('every /v2 path, ping and the home document included, answers 401 naming Keystone without a token', async () => {
    // noauth's headers change nothing: in keystone mode only a token says who the caller is
    const anonymous = new Caller(server.url, { 'X-Project-ID': keystone.projects.alpha, 'X-Roles': 'admin' });
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', '/v2/'],
      ['GET', '/v2/ping'],
      ['HEAD', '/v2/ping'],
      ['GET', '/v2/health'],
      ['GET', '/v2/queues'],
      ['PUT', '/v2/queues/fizbit', {}],
      ['GET', '/v2/queues/fizbit'],
      ['DELETE', '/v2/queues/fizbit'],
      ['GET', '/v2/queues/fizbit/stats'],
      ['POST', '/v2/queues/fizbit/share', {}],
      ['POST', '/v2/queues/fizbit/messages', { messages: [{ body: 1 }] }],
      ['GET', '/v2/queues/fizbit/messages'],
      ['POST', '/v2/queues/fizbit/claims', {}],
    ];
    for (const [method, path, body] of attempts) {
      const reply = await anonymous.request(method, path, body);
      if (method === 'HEAD') {
        expect([reply.status, reply.headers.get('www-authenticate')]).toEqual([
          401,
          `Keystone uri="${keystone.authUrl}"`,
        ]);
      } else {
        expectUnauthorized(reply, `${method} ${path}`);
      }
    }
  });

  it('without a token even a /v2 path that does not exist, or a method it does not allow, answers 401', async () => {
    // Zaqar puts keystonemiddleware in front of the whole application (only `/` bypasses it), so the
    // token is checked before any routing: no 404 or 405 tells an anonymous caller what exists.
    const anonymous = new Caller(server.url);
    for (const [method, path] of [
      ['GET', '/v2/nothing'],
      ['GET', '/v2/queues/fizbit/nothing'],
      ['POST', '/v2/ping'],
      ['PUT', '/v2/queues'],
    ]) {
      expectUnauthorized(await anonymous.request(method, path), `${method} ${path}`);
    }
    // a caller with a token learns the route's status as usual
    const member = await as('alpha-member');
    expect((await member.get('/v2/nothing')).status).toBe(404);
    expect((await member.request('POST', '/v2/ping')).status).toBe(405);
  });

  it('the token is checked before the Client-ID: no token and no Client-ID is a 401, a token without one a 400', async () => {
    const anonymous = new Caller(server.url, { 'Client-ID': null });
    expectUnauthorized(await anonymous.get('/v2/queues'), 'no Client-ID');
    const member = await as('alpha-member', { 'Client-ID': null });
    const res = await member.get('/v2/queues');
    expect([res.status, res.body]).toEqual([
      400,
      zaqarError('Missing header value', 'The "Client-ID" header is required.'),
    ]);
  });

  it('a token Keystone does not know answers 401 with WWW-Authenticate', async () => {
    const tokens = ['garbage', `gAAAAABl${randomUUID().replace(/-/g, '')}`, 'x'.repeat(10_000), ''];
    for (const token of tokens) {
      for (const path of ['/v2/ping', '/v2/queues']) {
        const reply = await new Caller(server.url, { 'X-Auth-Token': token }).get(path);
        expectUnauthorized(reply, `${token.slice(0, 20)}… on ${path}`);
      }
    }
  });

  it('an alpha member works end to end, and its queue lands in alpha even when X-Project-ID names beta', async () => {
    const member = await as('alpha-member', { 'X-Project-ID': keystone.projects.beta });
    const queue = uniqueName('alpha');
    expect((await member.put(`/v2/queues/${queue}`, { team: 'alpha' })).status).toBe(201);
    const posted = await member.post(`/v2/queues/${queue}/messages`, {
      messages: [1, 2, 3].map((n) => ({ body: { n }, ttl: 300 })),
    });
    expect(posted.status).toBe(201);
    const listed = await member.get(`/v2/queues/${queue}/messages?echo=true`);
    expect([listed.status, listed.body.messages.map((m: any) => m.body)]).toEqual([
      200,
      [{ n: 1 }, { n: 2 }, { n: 3 }],
    ]);

    const claimed = await member.post(`/v2/queues/${queue}/claims?limit=2`, { ttl: 60, grace: 60 });
    expect([claimed.status, claimed.body.messages.map((m: any) => m.body)]).toEqual([201, [{ n: 1 }, { n: 2 }]]);
    expect((await member.delete(claimed.body.messages[0].href)).status).toBe(204);
    const stats = await member.get(`/v2/queues/${queue}/stats`);
    expect(stats.body.messages).toMatchObject({ claimed: 1, free: 1, total: 2 });

    // where it landed: in alpha, seen by alpha's reader; beta's member sees nothing, even naming alpha
    const names = async (caller: Caller) =>
      (await caller.get('/v2/queues?limit=20')).body.queues.map((q: any) => q.name);
    expect(await names(await as('alpha-reader'))).toContain(queue);
    expect(await names(await as('beta-member'))).not.toContain(queue);
    const beta = await as('beta-member', { 'X-Project-ID': keystone.projects.alpha });
    expect(await names(beta)).not.toContain(queue);
    const betaReads = await beta.get(`/v2/queues/${queue}/messages?echo=true&include_claimed=true`);
    expect([betaReads.status, betaReads.body.messages]).toEqual([200, []]);

    expect((await member.delete(`/v2/queues/${queue}`)).status).toBe(204);
    expect(await names(await as('alpha-reader'))).not.toContain(queue);
  });

  it.each(['alpha-reader', 'alpha-member', 'alpha-admin', 'beta-reader'] as TestUser[])(
    'with the default policy %s may do everything a member may on queues, messages and claims',
    async (user) => {
      const caller = await as(user);
      const queue = uniqueName('rbac');
      const base = `/v2/queues/${queue}`;
      // every step runs and the statuses are compared at once, so one wrong answer hides no other
      const seen: Array<[string, number]> = [];
      const wanted: Array<[string, number]> = [];
      const step = async (what: string, status: number, request: () => Promise<Reply>) => {
        const reply = await request();
        seen.push([what, reply.status]);
        wanted.push([what, status]);
        return reply;
      };
      await step('create queue', 201, () => caller.put(base, { a: 1 }));
      await step('get queue', 200, () => caller.get(base));
      await step('patch queue', 200, () => caller.patchQueue(queue, [{ op: 'add', path: '/metadata/b', value: 2 }]));
      await step('list queues', 200, () => caller.get('/v2/queues'));
      await step('post', 201, () =>
        caller.post(`${base}/messages`, { messages: [{ body: 1 }, { body: 2 }, { body: 3 }] }),
      );
      await step('list messages', 200, () => caller.get(`${base}/messages?echo=true`));
      await step('stats', 200, () => caller.get(`${base}/stats`));
      await step('share', 200, () => caller.post(`${base}/share`, {})); // Zaqar's share answers 200
      const claimed = await step('claim', 201, () => caller.post(`${base}/claims?limit=1`, { ttl: 60, grace: 60 }));
      const claimHref = claimed.headers.get('location')!;
      await step('get claim', 200, () => caller.get(claimHref));
      await step('renew claim', 204, () => caller.request('PATCH', claimHref, { ttl: 120, grace: 60 }));
      await step('delete claimed message', 204, () => caller.delete(claimed.body.messages[0].href));
      await step('release claim', 204, () => caller.delete(claimHref));
      const listed = await step('list again', 200, () => caller.get(`${base}/messages?echo=true`));
      const rest = listed.body.messages;
      await step('get message', 200, () => caller.get(rest[0].href));
      await step('delete by ids', 204, () => caller.delete(`${base}/messages?ids=${rest[0].id}`));
      await step('pop', 200, () => caller.delete(`${base}/messages?pop=1`));
      await step('purge', 204, () => caller.post(`${base}/purge`, { resource_types: ['messages'] }));
      await step('ping', 204, () => caller.get('/v2/ping'));
      await step('delete queue', 204, () => caller.delete(base));
      expect(seen).toEqual(wanted);
    },
  );

  it('the detailed health report is for admins: alpha-admin 200, member and reader 403 naming health:get', async () => {
    const admin = await (await as('alpha-admin')).get('/v2/health');
    expect([admin.status, admin.body.storage_reachable]).toEqual([200, true]);
    for (const user of ['alpha-member', 'alpha-reader', 'beta-member'] as TestUser[]) {
      const denied = await (await as(user)).get('/v2/health');
      expect([user, denied.status, denied.body]).toEqual([user, 403, policyDenied('health:get')]);
    }
    // the roles are the token's: an X-Roles header (noauth's) adds none, as keystonemiddleware drops it
    const claimingAdmin = await (await as('alpha-member', { 'X-Roles': 'admin,member,reader' })).get('/v2/health');
    expect([claimingAdmin.status, claimingAdmin.body]).toEqual([403, policyDenied('health:get')]);
  });

  it('an unscoped token (norole) is valid but names no project: 400 "Project-Id Missing", with or without X-Project-ID', async () => {
    // Behind keystonemiddleware Zaqar sees the same: the middleware accepts the unscoped token and
    // drops the client's X-Project-Id, and Zaqar's project hook answers 400. Not a 401 (the token is
    // valid), not a 403 (no policy was consulted), and never a 500.
    const unscoped = await as('norole');
    const missing = zaqarError('Project-Id Missing', 'The header X-PROJECT-ID was missing');
    for (const headers of [{}, { 'X-Project-ID': keystone.projects.alpha }]) {
      for (const path of ['/v2/ping', '/v2/queues', '/v2/queues/fizbit/messages']) {
        const reply = await unscoped.get(path, headers);
        expect([headers, path, reply.status, reply.body]).toEqual([headers, path, 400, missing]);
      }
    }
  });

  it('a token revoked before it was ever used answers 401', async () => {
    const token = await freshToken('alpha-member', 'alpha');
    await keystone.revoke(token);
    for (const on of [server, shortCache]) {
      expectUnauthorized(await new Caller(on.url, { 'X-Auth-Token': token }).get('/v2/queues'), on.url);
    }
  });

  it(`a token revoked after it was validated keeps working until its cache entry ends (${CACHE_SECONDS} s), then answers 401`, async () => {
    const token = await freshToken('beta-member', 'beta');
    const caller = new Caller(shortCache.url, { 'X-Auth-Token': token });
    const validatedAt = Date.now();
    expect((await caller.get('/v2/queues')).status).toBe(200);
    // the entry is cached when Keystone has answered, which on a busy machine is well after validatedAt
    const cachedBy = Date.now();
    await keystone.revoke(token);
    // as keystonemiddleware: the validation is cached, so Keystone is not asked again yet
    const sinceValidation = Date.now() - validatedAt;
    expect(sinceValidation).toBeLessThan(CACHE_SECONDS * 1000 - 500); // else this machine is too slow to show it
    const cached = await caller.post('/v2/queues/after-revoke/messages', { messages: [{ body: 'still in' }] });
    expect(cached.status).toBe(201);

    await sleep(cachedBy + CACHE_SECONDS * 1000 + 500 - Date.now());
    expectUnauthorized(await caller.get('/v2/queues'), 'after the cache entry ended');
  });

  it('a signed URL needs no token in keystone mode either, for exactly what it signs', async () => {
    const member = await as('alpha-member');
    const queue = uniqueName('signed');
    await member.postMessages(queue, ['shared']);
    const shared = await member.post(`/v2/queues/${queue}/share`, { paths: ['messages'], methods: ['GET'] });
    expect(shared.body.project).toBe(keystone.projects.alpha);
    const guest = new Caller(server.url, {
      'URL-Signature': shared.body.signature,
      'URL-Expires': shared.body.expires,
      'URL-Methods': 'GET',
      'URL-Paths': shared.body.paths.join(','),
      'X-Project-ID': keystone.projects.alpha,
    });
    const listed = await guest.get(`/v2/queues/${queue}/messages?echo=true`);
    expect([listed.status, listed.body.messages.map((m: any) => m.body)]).toEqual([200, ['shared']]);
    const stats = await guest.get(`/v2/queues/${queue}/stats`);
    expect(stats.status).toBe(404);
    // without the signature the same request needs a token again
    const unsigned = await guest.get(`/v2/queues/${queue}/messages`, { 'URL-Signature': null });
    expectUnauthorized(unsigned, 'unsigned');
  });

  // last: it stops Keystone
  it('with Keystone stopped: an uncached token answers 503, a cached one keeps working, no token is still 401', async () => {
    const cached = await as('alpha-member');
    expect((await cached.get('/v2/queues')).status).toBe(200); // validated within the 300 s cache
    const uncached = await freshToken('alpha-reader', 'alpha');
    await keystone.stop();

    const refused = await new Caller(server.url, { 'X-Auth-Token': uncached }).get('/v2/queues');
    expect([refused.status, refused.body]).toEqual([
      503,
      zaqarError(
        'Service temporarily unavailable',
        'The identity service could not validate the token. Please try again in a few seconds.',
      ),
    ]);
    expect((await cached.get('/v2/queues')).status).toBe(200);
    expectUnauthorized(await new Caller(server.url).get('/v2/ping'), 'no token');
    expect((await fetch(`${server.url}/`)).status).toBe(300);
  });
});
