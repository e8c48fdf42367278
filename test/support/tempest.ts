import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { PYTHON } from './keystone/keystone-prerequisites';
import type { KeystoneCredentials } from './keystone';

const run = promisify(execFile);

/** What .ci/run installs for these suites. */
export const TEMPEST_PACKAGES = 'zaqar-tempest-plugin';

let checked: string | null | undefined;

/** Why Zaqar's Tempest plugin cannot run here, or null when it can. Checked once per process. */
export function tempestMissing(): string | null {
  if (checked === undefined) {
    const probe = spawnSync(PYTHON, ['-c', 'import tempest, zaqar_tempest_plugin'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    checked =
      probe.status === 0
        ? null
        : `${PYTHON} cannot import tempest and zaqar_tempest_plugin (apt-get install -y ${TEMPEST_PACKAGES})`;
  }
  return checked;
}

export interface TempestRun {
  /** Keystone's v3 URL, for Tempest's own authentication. */
  authUrl: string;
  /** The pre-provisioned account the tests run as (a member of its project). */
  account: KeystoneCredentials;
  /** The catalog's service type whose endpoint is the server under test (Zaqar's is `messaging`). */
  catalogType: string;
  /** Test modules (zaqar_tempest_plugin.tests.v2.test_queues, …). */
  modules: string[];
  /** Test ids to leave out, by substring, with the reason kept beside them by the caller. */
  exclude: string[];
}

export interface TempestOutcome {
  /** Ids of the tests chosen to run: those of the modules, less the excluded. */
  selected: string[];
  /** Ids of the tests that failed or errored, class set-ups included. */
  failed: string[];
  ran: number;
  ok: boolean;
  /** testtools' report, for failure messages. */
  output: string;
}

/**
 * Runs Zaqar's Tempest plugin (Debian's zaqar-tempest-plugin) against the catalog endpoint of
 * `catalogType`, in a temp workspace of its own, and reports what passed. Accounts are pre-provisioned:
 * dynamic credentials would create a project and user per test class for nothing.
 */
export async function runTempest(options: TempestRun): Promise<TempestOutcome> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tempest-'));
  try {
    fs.writeFileSync(path.join(dir, 'accounts.yaml'), accountsYaml(options.account));
    fs.writeFileSync(path.join(dir, 'tempest.conf'), tempestConf(dir, options));
    const env = { ...process.env, TEMPEST_CONFIG_DIR: dir, TEMPEST_CONFIG: 'tempest.conf' };
    const listed = await run(PYTHON, ['-m', 'testtools.run', '--list', ...options.modules], { env, cwd: dir });
    const selected = listed.stdout
      .split('\n')
      .map((line) => line.trim())
      .filter((id) => id.length > 0 && !options.exclude.some((part) => id.includes(part)));
    fs.writeFileSync(path.join(dir, 'selected.txt'), selected.join('\n') + '\n');
    const testtools = await run(PYTHON, ['-m', 'testtools.run', '--load-list', 'selected.txt', ...options.modules], {
      env,
      cwd: dir,
      timeout: 600_000,
      maxBuffer: 64 * 1024 * 1024,
    }).then(
      ({ stdout, stderr }) => ({ output: stdout + stderr, ok: true }),
      (error: { stdout?: string; stderr?: string }) => ({
        output: (error.stdout ?? '') + (error.stderr ?? ''),
        ok: false,
      }),
    );
    const output = testtools.output;
    const failed = [...output.matchAll(/^(?:FAIL|ERROR): (.+)$/gm)].map((match) => match[1]);
    const ran = Number(/^Ran (\d+) tests? in/m.exec(output)?.[1] ?? 0);
    return { selected, failed, ran, ok: testtools.ok && /^OK\b/m.test(output), output };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function accountsYaml(account: KeystoneCredentials): string {
  return [
    `- username: ${JSON.stringify(account.username)}`,
    `  project_name: ${JSON.stringify(account.projectName)}`,
    `  password: ${JSON.stringify(account.password)}`,
    `  domain_name: ${JSON.stringify(account.userDomainName)}`,
    '',
  ].join('\n');
}

function tempestConf(dir: string, options: TempestRun): string {
  return `[DEFAULT]
log_dir = ${dir}
log_file = tempest.log

[auth]
use_dynamic_credentials = false
test_accounts_file = ${path.join(dir, 'accounts.yaml')}

[identity]
uri_v3 = ${options.authUrl}
auth_version = v3
region = RegionOne
v3_endpoint_type = public

[identity-feature-enabled]
api_v2 = false

[service_available]
zaqar = true

[messaging]
catalog_type = ${options.catalogType}
`;
}
