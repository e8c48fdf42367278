import { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hasExited, KeystoneHarnessError, spawnPython, stopGroup, tail } from './keystone-process';

/** A gunicorn master and its worker serving Keystone. */
export interface Gunicorn {
  port: number;
  logFile: string;
  process: ChildProcess;
  /** Stops the master and its worker. Idempotent. */
  stop(): Promise<void>;
}

const WSGI_ENTRY = `import sys
# Keystone parses the process's command line with oslo.config; gunicorn's own arguments would make
# every worker exit silently while the master keeps accepting connections.
del sys.argv[1:]
from keystone.server import wsgi
application = wsgi.initialize_public_application()
`;

/**
 * Serves Keystone from `dir` (keystone.conf there) on a port the kernel picks: gunicorn binds
 * 127.0.0.1:0 in the master before its worker imports Keystone, and logs the real port, so no other
 * process can take the port between our choosing it and gunicorn binding it. One worker with threads:
 * a second worker would cost another ~2.5 s of CPU importing Keystone, and tests are not a load.
 */
export async function startGunicorn(dir: string, timeoutMs = 20_000): Promise<Gunicorn> {
  fs.writeFileSync(path.join(dir, 'keystone_wsgi.py'), WSGI_ENTRY);
  const logFile = path.join(dir, 'gunicorn.log');
  const child = spawnPython(
    [
      '-m',
      'gunicorn',
      '--bind',
      '127.0.0.1:0',
      '--workers',
      '1',
      '--threads',
      '8',
      // Longer than fetch's own 4 s keep-alive, so it is always the client that closes an idle
      // connection: with gunicorn's 2 s default a request can go out on a socket gunicorn is closing.
      '--keep-alive',
      '30',
      '--chdir',
      dir,
      'keystone_wsgi:application',
    ],
    logFile,
    { env: { ...process.env, OS_KEYSTONE_CONFIG_DIR: dir } },
  );
  let stopped: Promise<void> | undefined;
  // SIGINT is gunicorn's quick shutdown: a test Keystone has nothing to finish
  const stop = () => (stopped ??= stopGroup(child, 'SIGINT'));

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !hasExited(child)) {
    const match = /Listening at: http:\/\/127\.0\.0\.1:(\d+)/.exec(readIfExists(logFile));
    if (match) return { port: Number(match[1]), logFile, process: child, stop };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new KeystoneHarnessError(`gunicorn did not start listening\n${tail(logFile)}`);
}

function readIfExists(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
