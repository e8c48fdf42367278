import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { sqliteBackend, TestBackend } from '../support/backends';
import { describeWithKeystone, KeystoneApi, KeystoneFixture, startKeystone } from '../support/keystone';
import { startServer, StartedServer } from '../support/server';

const run = promisify(execFile);

/**
 * The README's way of using the `openstack` CLI: Keystone's catalog names our server as the
 * `messaging` service, and Debian's python3-openstackclient with the zaqarclient plugin drives it.
 */
describeWithKeystone('the openstack CLI against our server through the Keystone catalog', () => {
  let keystone: KeystoneFixture;
  let backend: TestBackend;
  let server: StartedServer;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    keystone = await startKeystone();
    backend = await sqliteBackend();
    server = await startServer({
      storageUrl: backend.url,
      env: { AUTH_STRATEGY: 'keystone', POOLING: 'on', ...keystone.env() },
    });
    const api = new KeystoneApi(keystone.authUrl);
    await api.addService(await keystone.token('admin'), 'messaging', 'zaqar', server.url);
    env = {
      ...process.env,
      OS_AUTH_URL: keystone.authUrl,
      OS_IDENTITY_API_VERSION: '3',
      OS_USERNAME: 'alpha-member',
      OS_PASSWORD: keystone.userPassword,
      OS_PROJECT_NAME: 'alpha',
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
      OS_INTERFACE: 'public',
      OS_REGION_NAME: 'RegionOne',
      OS_MESSAGE_CLIENT_ID: randomUUID(),
    };
  }, 120_000);

  afterAll(async () => {
    await server?.kill();
    await backend?.drop();
    await keystone?.stop();
  });

  const openstackAs = async (user: string, ...args: string[]) => {
    const { stdout } = await run('openstack', args, { env: { ...env, OS_USERNAME: user }, timeout: 60_000 });
    return stdout;
  };
  const jsonAs = async (user: string, ...args: string[]) => JSON.parse(await openstackAs(user, ...args, '-f', 'json'));
  const openstack = (...args: string[]) => openstackAs('alpha-member', ...args);
  const json = (...args: string[]) => jsonAs('alpha-member', ...args);

  it('creates a queue, posts, lists, claims, reads stats and deletes it, all in the token’s project', async () => {
    await openstack('messaging', 'queue', 'create', 'cli-jobs');
    await openstack(
      'messaging',
      'message',
      'post',
      'cli-jobs',
      JSON.stringify([1, 2, 3].map((n) => ({ body: { n }, ttl: 300 }))),
    );
    const listed = await json('messaging', 'message', 'list', 'cli-jobs', '--echo');
    expect(listed.map((m: { Body: unknown }) => m.Body)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    const claimed = await json('messaging', 'claim', 'create', 'cli-jobs', '--limit', '2');
    expect(claimed).toHaveLength(2);
    const stats = await json('messaging', 'queue', 'stats', 'cli-jobs');
    expect(stats.Stats.messages).toMatchObject({ claimed: 2, free: 1, total: 3 });
    const queues = await json('messaging', 'queue', 'list');
    expect(queues.map((q: { Name: string }) => q.Name)).toEqual(['cli-jobs']);

    // the same queue as our server sees it through alpha's token: the CLI worked in alpha's project
    const token = await keystone.token('alpha-member');
    const res = await fetch(`${server.url}/v2/queues/cli-jobs/stats`, {
      headers: { 'X-Auth-Token': token, 'Client-ID': randomUUID() },
    });
    expect(((await res.json()) as { messages: unknown }).messages).toMatchObject({ total: 3 });

    await openstack('messaging', 'queue', 'delete', 'cli-jobs');
    expect(await json('messaging', 'queue', 'list')).toEqual([]);
  }, 180_000);

  it('lets an admin register, show, update and delete a pool and a flavor over it; a member may not', async () => {
    const admin = (...args: string[]) => jsonAs('alpha-admin', 'messaging', ...args);
    // beside the management store's file, which the suite removes
    const uri = `sqlite:${join(dirname(backend.url.slice('sqlite:'.length)), 'cli-pool.db')}`;
    expect(await admin('pool', 'create', 'cli-pool', uri, '10', '--flavor', 'cli-flavor')).toMatchObject({
      Name: 'cli-pool',
      Weight: 10,
      URI: uri,
      Flavor: 'cli-flavor',
    });
    expect(await admin('pool', 'list')).toEqual([{ Name: 'cli-pool', Weight: 10, URI: uri, Flavor: 'cli-flavor' }]);
    await admin('pool', 'update', 'cli-pool', '--pool_weight', '20');
    expect(await admin('pool', 'show', 'cli-pool')).toMatchObject({ Name: 'cli-pool', Weight: 20 });

    expect(await admin('flavor', 'create', 'cli-flavor', '--pool_list', 'cli-pool')).toMatchObject({
      Name: 'cli-flavor',
      'Pool list': ['cli-pool'],
    });
    expect(await admin('flavor', 'show', 'cli-flavor')).toMatchObject({
      Name: 'cli-flavor',
      'Pool list': ['cli-pool'],
    });
    expect((await json('messaging', 'flavor', 'list')).map((f: { Name: string }) => f.Name)).toEqual(['cli-flavor']);
    await expect(openstack('messaging', 'pool', 'list')).rejects.toThrow(/pools:get_all is disallowed by policy/);

    await openstackAs('alpha-admin', 'messaging', 'flavor', 'delete', 'cli-flavor');
    await openstackAs('alpha-admin', 'messaging', 'pool', 'delete', 'cli-pool');
    expect(await admin('pool', 'list')).toEqual([]);
    expect(await admin('flavor', 'list')).toEqual([]);
  }, 180_000);
});
