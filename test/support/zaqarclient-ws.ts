import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** Debian's python3-zaqarclient (and python3-websocket) live in the system Python, not in any pyenv one. */
const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(__dirname, 'zaqarclient_ws.py');

export interface ZaqarclientWsRun {
  /** ws://host:port of the server's Zaqar protocol port. */
  endpoint: string;
  /** zaqarclient's auth backend: noauth or keystone. */
  backend: 'noauth' | 'keystone';
  project: string;
  token: string;
  scenario: 'tour' | 'basic';
  queue: string;
}

/** A step of the script: the answer zaqarclient returned, or the transport error class it raised. */
export interface Step {
  status?: number;
  body?: any;
  raised?: string;
  message?: string;
}

/** Runs test/support/zaqarclient_ws.py and returns each step it recorded, by label. */
export async function driveWithZaqarclientWs(options: ZaqarclientWsRun): Promise<Record<string, Step>> {
  const { endpoint, backend, project, token, scenario, queue } = options;
  const { stdout } = await run(PYTHON, [SCRIPT, endpoint, backend, project, token, scenario, queue], {
    timeout: 60_000,
  });
  return JSON.parse(stdout);
}
