import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { PG_ADMIN_URL } from '../backends';
import { KeystoneApi } from './keystone-api';
import { keystoneMissing } from './keystone-prerequisites';
import { Gunicorn, startGunicorn } from './keystone-gunicorn';
import { KeystoneManage } from './keystone-manage';
import { KeystoneHarnessError, tail } from './keystone-process';

/** Password-auth settings of a Keystone user, in keystonemiddleware's terms. */
export interface KeystoneCredentials {
  username: string;
  password: string;
  projectName: string;
  userDomainName: string;
  projectDomainName: string;
}

export type TestProject = 'alpha' | 'beta';

/**
 * Users created in every fixture. `<project>-<role>` holds that one role on that project (Keystone's
 * implied roles add the lesser ones to tokens: admin ⊃ member ⊃ reader); `norole` has no role anywhere.
 */
export const TEST_USERS = {
  'alpha-member': { project: 'alpha', role: 'member' },
  'alpha-reader': { project: 'alpha', role: 'reader' },
  'alpha-admin': { project: 'alpha', role: 'admin' },
  'beta-member': { project: 'beta', role: 'member' },
  'beta-reader': { project: 'beta', role: 'reader' },
  'beta-admin': { project: 'beta', role: 'admin' },
  norole: { project: undefined, role: undefined },
} as const satisfies Record<string, { project: TestProject | undefined; role: string | undefined }>;

export type TestUser = keyof typeof TEST_USERS;

/** A real Keystone (Debian's Keystone 22 under gunicorn, on PostgreSQL) for one test file. */
export interface KeystoneFixture {
  /** http://127.0.0.1:PORT/v3 */
  authUrl: string;
  port: number;
  /** The temp dir with keystone.conf, keys and logs (removed by stop()). */
  dir: string;
  /** The `zaqar` user in project `service`, holding admin there: what keystonemiddleware validates with. */
  serviceCredentials: KeystoneCredentials;
  /** Bootstrap's cloud admin (user and project `admin`). */
  adminCredentials: KeystoneCredentials;
  projects: Record<TestProject | 'service' | 'admin', string>;
  /** User ids by name: the TEST_USERS plus `admin` and `zaqar`. */
  userIds: Record<TestUser | 'admin' | 'zaqar', string>;
  /** One password shared by the TEST_USERS. */
  userPassword: string;
  /** How long each start phase took, ms. */
  timings: Record<'prepare' | 'serve' | 'seed' | 'total', number>;
  /**
   * A password-auth token of `user` scoped to `project` (a project name; by default the user's own
   * project, `admin` for admin, `service` for zaqar; unscoped for `norole`). Cached per user and project.
   */
  token(user: string, project?: string): Promise<string>;
  /** Revokes a token in Keystone (DELETE /v3/auth/tokens) and forgets it in token()'s cache. */
  revoke(token: string): Promise<void>;
  /** KEYSTONE_* variables for a server process that validates tokens against this Keystone. */
  env(): Record<string, string>;
  /** The tails of Keystone's logs, for failure messages. */
  logs(): string;
  /** Stops gunicorn and its workers, drops the database, removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

export async function startKeystone(): Promise<KeystoneFixture> {
  const missing = keystoneMissing();
  // On CI this fails the suite; describeWithKeystone keeps local runs without Keystone from getting here.
  if (missing) throw new KeystoneHarnessError(`cannot start Keystone: ${missing}`);

  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keystone-'));
  const database = `keystone_${randomBytes(6).toString('hex')}`;
  let gunicorn: Gunicorn | undefined;
  let manage: KeystoneManage | undefined;
  let databaseCreated = false;

  const cleanup = async () => {
    try {
      await Promise.all([gunicorn?.stop(), manage?.kill()]);
      if (databaseCreated) await dropDatabase(database);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  const logs = () =>
    fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter((name) => name.endsWith('.log'))
          .map((name) => tail(path.join(dir, name)))
          .join('\n')
      : '(Keystone is stopped; its logs are gone)';

  try {
    fs.writeFileSync(path.join(dir, 'keystone.conf'), keystoneConf(dir, database));
    manage = new KeystoneManage(dir); // imports Keystone while the database is created
    const keystoneManage = manage;
    await createDatabase(database);
    databaseCreated = true;
    const adminPassword = randomBytes(12).toString('hex');

    // The key repositories are files only, so they are made while db_sync builds the schema; gunicorn
    // starts as soon as the keys exist (a worker without receipt keys exits at start) and its port
    // is known before bootstrap writes the public endpoint.
    const setUpKeys = (command: string) =>
      keystoneManage.run([command, '--keystone-user', OWNER.user, '--keystone-group', OWNER.group]);
    const serving = Promise.all([setUpKeys('fernet_setup'), setUpKeys('credential_setup')]).then(async () => {
      // Keystone 22's fernet_setup also fills [fernet_receipts] key_repository when it is a directory of
      // its own (keystone/cmd/cli.py, FernetSetup.main): receipt_setup is only needed if it did not, and
      // run beside fernet_setup it would race it for the same files.
      if (!fs.existsSync(path.join(dir, 'receipt-keys', '0'))) await setUpKeys('receipt_setup');
      return startGunicorn(dir);
    });
    const bootstrapped = keystoneManage.run(['db_sync']).then(async () => {
      const { port } = await serving;
      await keystoneManage.run([
        'bootstrap',
        '--bootstrap-username',
        'admin',
        '--bootstrap-password',
        adminPassword,
        '--bootstrap-project-name',
        'admin',
        '--bootstrap-role-name',
        'admin',
        '--bootstrap-service-name',
        'keystone',
        '--bootstrap-region-id',
        'RegionOne',
        '--bootstrap-public-url',
        `http://127.0.0.1:${port}/v3`,
      ]);
    });
    const [prepared] = await Promise.allSettled([serving, bootstrapped]);
    if (prepared.status === 'fulfilled') gunicorn = prepared.value;
    await Promise.all([serving, bootstrapped]);
    await manage.close();
    const prepareMs = Date.now() - started;

    const authUrl = `http://127.0.0.1:${gunicorn!.port}/v3`;
    await waitUntilServing(authUrl, gunicorn!);
    const serveMs = Date.now() - started - prepareMs;

    const api = new KeystoneApi(authUrl);
    const adminCredentials = credentials('admin', adminPassword, 'admin');
    const seeded = await seed(api, adminCredentials);
    const seedMs = Date.now() - started - prepareMs - serveMs;

    const tokens = new Map<string, Promise<string>>();
    let stopped: Promise<void> | undefined;
    const fixture: KeystoneFixture = {
      authUrl,
      port: gunicorn!.port,
      dir,
      serviceCredentials: credentials('zaqar', seeded.password, 'service'),
      adminCredentials,
      projects: seeded.projects,
      userIds: seeded.userIds,
      userPassword: seeded.password,
      timings: { prepare: prepareMs, serve: serveMs, seed: seedMs, total: Date.now() - started },
      token(user: string, project?: string) {
        const scope = project ?? homeProject(user);
        const key = `${user}\n${scope ?? ''}`;
        let token = tokens.get(key);
        if (!token) {
          const password = user === 'admin' ? adminPassword : seeded.password;
          token = api.passwordToken(user, password, scope ? { name: scope } : undefined);
          tokens.set(key, token);
          token.catch(() => tokens.delete(key)); // a failed login is not remembered
        }
        return token;
      },
      async revoke(token: string) {
        await api.revoke(await fixture.token('admin'), token);
        for (const [key, cached] of tokens) if ((await cached.catch(() => '')) === token) tokens.delete(key);
      },
      env: () => ({
        KEYSTONE_AUTH_URL: authUrl,
        KEYSTONE_USERNAME: fixture.serviceCredentials.username,
        KEYSTONE_PASSWORD: fixture.serviceCredentials.password,
        KEYSTONE_PROJECT_NAME: fixture.serviceCredentials.projectName,
        KEYSTONE_USER_DOMAIN_NAME: fixture.serviceCredentials.userDomainName,
        KEYSTONE_PROJECT_DOMAIN_NAME: fixture.serviceCredentials.projectDomainName,
      }),
      logs,
      stop: () => (stopped ??= cleanup()),
    };
    return fixture;
  } catch (err) {
    const cause = (err as { cause?: unknown })?.cause;
    const message = (err instanceof Error ? err.message : String(err)) + (cause ? ` (${String(cause)})` : '');
    // the logs of every step that ran, unless the error already carries its own tail
    const details = message.includes('--- ') ? '' : `\n${logs()}`;
    await cleanup().catch(() => undefined);
    throw new KeystoneHarnessError(`Keystone did not start: ${message}${details}`);
  }
}

/**
 * Owner of the key repositories: whoever runs the tests. keystone-manage defaults to a `keystone`
 * user and group, which exist only where Debian's `keystone` service package is installed.
 */
const OWNER = {
  user: os.userInfo().username,
  group: spawnSync('id', ['-gn'], { encoding: 'utf8' }).stdout?.trim() || os.userInfo().username,
};

function credentials(username: string, password: string, projectName: string): KeystoneCredentials {
  return { username, password, projectName, userDomainName: 'Default', projectDomainName: 'Default' };
}

function homeProject(user: string): string | undefined {
  if (user === 'admin') return 'admin';
  if (user === 'zaqar') return 'service';
  return (TEST_USERS as Record<string, { project: string | undefined }>)[user]?.project;
}

function keystoneConf(dir: string, database: string): string {
  const pg = new URL(PG_ADMIN_URL);
  const auth = pg.username ? `${pg.username}${pg.password ? `:${pg.password}` : ''}@` : '';
  const connection = `postgresql+psycopg2://${auth}${pg.hostname}${pg.port ? `:${pg.port}` : ''}/${database}`;
  const at = (name: string) => path.join(dir, name);
  // SQLite is not an option: Keystone 22 keeps a read transaction open after issuing a token and the
  // next write fails with "database is locked". The oslo_policy paths keep Debian's /etc/keystone out.
  return `[DEFAULT]
use_stderr = true

[database]
connection = ${connection}

[token]
provider = fernet

[fernet_tokens]
key_repository = ${at('fernet-keys')}

[fernet_receipts]
key_repository = ${at('receipt-keys')}

[credential]
key_repository = ${at('credential-keys')}

[identity]
# bcrypt's cost; the default (12) adds ~0.25 s to every login
password_hash_rounds = 4
# at bcrypt's own limit, or Keystone logs a truncation warning on every password it hashes
max_password_length = 72

[oslo_policy]
policy_file = ${at('policy.yaml')}
policy_dirs = ${at('policy.d')}
`;
}

async function withPostgres(sql: string): Promise<void> {
  const client = new Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const createDatabase = (name: string) => withPostgres(`CREATE DATABASE ${name}`);
const dropDatabase = (name: string) => withPostgres(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);

/**
 * Until GET /v3 answers. The gunicorn master accepts connections while its worker still imports
 * Keystone, so every probe has a timeout of its own.
 */
async function waitUntilServing(authUrl: string, gunicorn: Gunicorn, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (gunicorn.process.exitCode !== null || gunicorn.process.signalCode !== null) {
      throw new KeystoneHarnessError(`gunicorn exited\n${tail(gunicorn.logFile)}`);
    }
    try {
      const res = await fetch(authUrl, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new KeystoneHarnessError(`${authUrl} did not answer 200 within ${timeoutMs / 1000} s (${last})`);
}

/** Projects, users and role assignments, created through the v3 API as an operator would. */
async function seed(api: KeystoneApi, admin: KeystoneCredentials) {
  const token = await api.passwordToken(admin.username, admin.password, { name: admin.projectName });
  const password = randomBytes(12).toString('hex');

  const createProject = async (name: string) =>
    (await api.call('POST', '/projects', token, { project: { name, domain_id: 'default' } })).project.id as string;
  const createUser = async (name: string) =>
    (await api.call('POST', '/users', token, { user: { name, password, domain_id: 'default', enabled: true } })).user
      .id as string;

  const userNames = ['zaqar', ...Object.keys(TEST_USERS)] as Array<TestUser | 'zaqar'>;
  const [roleList, adminUser, adminProject, service, alpha, beta, ...userIds] = await Promise.all([
    api.call('GET', '/roles', token),
    api.call('GET', '/users?name=admin', token),
    api.call('GET', '/projects?name=admin', token),
    createProject('service'),
    createProject('alpha'),
    createProject('beta'),
    ...userNames.map(createUser),
  ]);
  const roles = new Map<string, string>((roleList.roles as any[]).map((role) => [role.name, role.id]));
  const ids = Object.fromEntries(userNames.map((name, i) => [name, userIds[i] as string]));
  const projects = { alpha: alpha as string, beta: beta as string, service: service as string };

  const grant = (project: string, user: string, role: string) => {
    const roleId = roles.get(role);
    if (!roleId) throw new KeystoneHarnessError(`bootstrap created no "${role}" role`);
    return api.call('PUT', `/projects/${project}/users/${user}/roles/${roleId}`, token);
  };
  await Promise.all([
    // keystonemiddleware's service user needs admin (or service) to validate others' tokens
    grant(projects.service, ids.zaqar, 'admin'),
    ...Object.entries(TEST_USERS)
      .filter(([, u]) => u.project && u.role)
      .map(([name, u]) => grant(projects[u.project!], ids[name], u.role!)),
  ]);

  return {
    password,
    projects: { ...projects, admin: adminProject.projects[0].id as string },
    userIds: { ...ids, admin: adminUser.users[0].id } as KeystoneFixture['userIds'],
  };
}
