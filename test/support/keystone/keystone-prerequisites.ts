import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

/**
 * Debian's interpreter, not the first python3 on PATH: a pyenv python there has none of the
 * python3-keystone, python3-psycopg2 or gunicorn modules.
 */
export const PYTHON = process.env.KEYSTONE_PYTHON ?? '/usr/bin/python3';
export const KEYSTONE_MANAGE = process.env.KEYSTONE_MANAGE ?? '/usr/bin/keystone-manage';

/** What .ci/run installs; named in every "missing" message so the fix is one copy-paste away. */
export const KEYSTONE_PACKAGES = 'python3-keystone python3-keystoneclient python3-psycopg2 gunicorn';

let checked: string | null | undefined;

/** Why a real Keystone cannot run here, or null when it can. Checked once per process. */
export function keystoneMissing(): string | null {
  if (checked !== undefined) return checked;
  checked = null;
  if (!fs.existsSync(PYTHON)) checked = `${PYTHON} not found`;
  else if (!fs.existsSync(KEYSTONE_MANAGE)) checked = `${KEYSTONE_MANAGE} not found`;
  else {
    // keystone/__init__ is cheap to import; keystone.server would cost ~2 s here
    const probe = spawnSync(PYTHON, ['-c', 'import keystone, psycopg2, gunicorn'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (probe.status !== 0) checked = `${PYTHON} cannot import Keystone's modules: ${(probe.stderr ?? '').trim()}`;
  }
  if (checked) checked += ` (apt-get install -y ${KEYSTONE_PACKAGES})`;
  return checked;
}

/**
 * `describe` for suites that need a real Keystone, and whatever else `alsoMissing` checks. Off CI a
 * machine without them skips the suite with a note; on CI (CI=true) nothing is skipped: the suite's
 * set-up throws (startKeystone does) and the suite fails.
 */
export function describeWithKeystone(
  name: string,
  body: () => void,
  alsoMissing: () => string | null = () => null,
): void {
  const missing = keystoneMissing() ?? alsoMissing();
  if (missing && process.env.CI !== 'true') {
    describe.skip(`${name} (skipped: ${missing})`, body);
  } else {
    describe(name, body);
  }
}
