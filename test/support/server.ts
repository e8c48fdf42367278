import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import * as net from 'node:net';
import * as path from 'node:path';
import { SERVER_V8_FLAGS } from '../../src/process/v8-flags';

/** A real server process started from the compiled build (dist/), as `npm start` runs it. */
export interface StartedServer {
  url: string;
  port: number;
  process: ChildProcess;
  /** Output so far, for failure messages. */
  output(): string;
  /** Sends a signal (SIGKILL for crash tests) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface ServerOptions {
  storageUrl: string;
  port?: number;
  env?: Record<string, string>;
  /** Working directory of the server process; the test runner's by default. */
  cwd?: string;
}

// two levels up is the repository, or dist/ when this file runs compiled
const UP = path.resolve(__dirname, '../..');
/** The compiled server's entry point. */
export const MAIN = path.join(path.basename(UP) === 'dist' ? path.dirname(UP) : UP, 'dist/src/main.js');

export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

export async function startServer(options: ServerOptions): Promise<StartedServer> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, [...SERVER_V8_FLAGS, MAIN], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      STORAGE_URL: options.storageUrl,
      LOG_LEVEL: 'warn',
      // Zaqar's WebSocket port is fixed (9000); a test that wants it names a free one
      WS_PORT: 'off',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: options.cwd,
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const server: StartedServer = {
    url,
    port,
    process: child,
    output: () => output,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill(signal);
      await exited;
    },
  };
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    try {
      // GET / needs no credentials in any auth mode and answers once the server is initialised
      const res = await fetch(`${url}/`);
      if (res.status === 300) return server;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await server.kill('SIGKILL');
  throw new Error(`server did not answer GET / within 20 s:\n${output}`);
}

/** Runs the server with `env` until it exits by itself: its status and what it wrote to stderr. */
export function runToExit(env: Record<string, string>): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [MAIN], {
    env: { ...process.env, PORT: '0', WS_PORT: 'off', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stderr: result.stderr };
}
