import { IdentityUnavailable, KeystoneClient, loadKeystoneSettings } from '../../src/identity/keystone';
import { describeWithKeystone, KeystoneFixture, startKeystone } from '../support/keystone';

/** Global fetch, counting what the validator asks Keystone. */
function countingFetch() {
  const counts = { logins: 0, validations: 0, serviceTokens: [] as string[] };
  const fetchFn = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    if (init?.method === 'POST') counts.logins++;
    else {
      counts.validations++;
      counts.serviceTokens.push(new Headers(init?.headers).get('x-auth-token')!);
    }
    return fetch(input, init);
  }) as typeof fetch;
  return { counts, fetch: fetchFn };
}

describeWithKeystone('a real Keystone validates tokens for the server', () => {
  let keystone: KeystoneFixture;

  beforeAll(async () => {
    keystone = await startKeystone();
  }, 120_000);

  afterAll(async () => {
    await keystone?.stop();
  });

  // configured as a server process would be, from the KEYSTONE_* variables
  const validator = () => {
    const counting = countingFetch();
    const client = new KeystoneClient(loadKeystoneSettings(keystone.env()), { fetch: counting.fetch });
    return { client, counts: counting.counts };
  };

  it("bootstraps Keystone's public endpoint at the fixture's authUrl", async () => {
    const admin = await keystone.token('admin');
    const res = await fetch(`${keystone.authUrl}/endpoints?interface=public`, { headers: { 'X-Auth-Token': admin } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).endpoints.map((e: { url: string }) => e.url)).toEqual([keystone.authUrl]);
  });

  it("validates a member token of alpha to alpha's project, with the implied reader role", async () => {
    const { client } = validator();
    const validated = await client.validate(await keystone.token('alpha-member'));
    expect(validated).toMatchObject({ projectId: keystone.projects.alpha, userId: keystone.userIds['alpha-member'] });
    expect(validated!.roles.sort()).toEqual(['member', 'reader']);
    expect(validated!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
  });

  it("validates tokens of beta to beta's project, each with its role and the roles it implies", async () => {
    const { client } = validator();
    const [reader, admin] = await Promise.all([
      client.validate(await keystone.token('beta-reader')),
      client.validate(await keystone.token('beta-admin')),
    ]);
    expect(reader).toMatchObject({ projectId: keystone.projects.beta, roles: ['reader'] });
    expect(admin).toMatchObject({ projectId: keystone.projects.beta, userId: keystone.userIds['beta-admin'] });
    expect(admin!.roles.sort()).toEqual(['admin', 'member', 'reader']);
  });

  it('gives a user without a role an unscoped token only, which validates to no project', async () => {
    await expect(keystone.token('norole', 'alpha')).rejects.toThrow(/answered 401/);
    const { client } = validator();
    expect(await client.validate(await keystone.token('norole'))).toMatchObject({
      projectId: null,
      userId: keystone.userIds.norole,
      roles: [],
    });
  });

  it('answers null for a garbage token', async () => {
    const { client, counts } = validator();
    expect(await client.validate('gAAAAABgarbage-token')).toBeNull();
    expect(counts.validations).toBe(1);
  });

  it('serves a validated token from its cache without calling Keystone again', async () => {
    const { client, counts } = validator();
    const token = await keystone.token('alpha-reader');
    const first = await client.validate(token);
    const second = await client.validate(token);
    expect(second).toEqual(first);
    expect(counts).toMatchObject({ logins: 1, validations: 1 });
  });

  it('refuses a revoked token it has not cached, and keeps serving one it validated before', async () => {
    const { client } = validator();
    const seen = await keystone.token('beta-member', 'beta');
    const unseen = await keystone.token('alpha-admin');
    expect(await client.validate(seen)).not.toBeNull();
    await Promise.all([keystone.revoke(seen), keystone.revoke(unseen)]);
    expect(await client.validate(unseen)).toBeNull();
    // keystonemiddleware's behaviour too: a cached token lives until its entry ends
    expect((await client.validate(seen))?.projectId).toBe(keystone.projects.beta);
    expect(await validator().client.validate(seen)).toBeNull();
    expect(await keystone.token('beta-member')).not.toBe(seen); // the fixture issues a new one
  });

  it('logs in again and retries when its own service token has been revoked', async () => {
    const { client, counts } = validator();
    await client.validate(await keystone.token('alpha-member'));
    await keystone.revoke(counts.serviceTokens[0]);
    const validated = await client.validate(await keystone.token('beta-member'));
    expect(validated?.projectId).toBe(keystone.projects.beta);
    expect(counts.logins).toBe(2);
    expect(counts.validations).toBe(3);
  });

  // last: it stops Keystone
  it('throws IdentityUnavailable while Keystone is stopped', async () => {
    const { client } = validator();
    await client.validate(await keystone.token('alpha-member')); // holds a service token
    const token = await keystone.token('beta-reader');
    await keystone.stop();
    const failure = client.validate(token);
    await expect(failure).rejects.toBeInstanceOf(IdentityUnavailable);
    await expect(failure).rejects.toMatchObject({ status: 503 });
    // and so does a validator that must log in first
    await expect(validator().client.validate(token)).rejects.toBeInstanceOf(IdentityUnavailable);
  });
});
