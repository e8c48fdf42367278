import { ChildProcess, spawn, StdioOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PYTHON } from './keystone-prerequisites';

export class KeystoneHarnessError extends Error {}

/** The last lines of a log file, for error messages. */
export function tail(file: string, lines = 40): string {
  try {
    const text = fs.readFileSync(file, 'utf8').trimEnd();
    return `--- ${path.basename(file)} (last ${lines} lines) ---\n${text.split('\n').slice(-lines).join('\n')}`;
  } catch {
    return `--- ${path.basename(file)}: no output ---`;
  }
}

/**
 * Debian's python3 with stderr (and stdout unless `pipeStdio`) appended to `logFile`, so no output
 * depends on Node draining a pipe. Detached: the child leads a process group that killGroup ends
 * with everything it forked, and a test run that dies without cleaning up still takes it down.
 */
export function spawnPython(
  args: string[],
  logFile: string,
  options: { env?: NodeJS.ProcessEnv; pipeStdio?: boolean; cwd?: string } = {},
): ChildProcess {
  const fd = fs.openSync(logFile, 'a');
  try {
    const stdio: StdioOptions = options.pipeStdio ? ['pipe', 'pipe', fd] : ['ignore', fd, fd];
    const child = spawn(PYTHON, args, { env: options.env ?? process.env, cwd: options.cwd, stdio, detached: true });
    const killOnExit = () => killGroup(child, 'SIGKILL');
    process.on('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    return child;
  } finally {
    fs.closeSync(fd); // the child holds its own copy
  }
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves with the exit code, or a description of why there is none; kills the child after `timeoutMs`. */
export function exitOf(child: ChildProcess, timeoutMs: number): Promise<number | string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      killGroup(child, 'SIGKILL');
      resolve(`timed out after ${timeoutMs / 1000} s`);
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve(err.message);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? `killed by ${signal}`);
    });
  });
}

/** Signals the child's process group: the child and whatever it forked. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // the group is gone already
  }
}

/** Ends a detached child and its process group: `signal` first, SIGKILL after `graceMs`. */
export async function stopGroup(child: ChildProcess, signal: NodeJS.Signals, graceMs = 5_000): Promise<void> {
  if (!hasExited(child)) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    killGroup(child, signal);
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
  killGroup(child, 'SIGKILL'); // anything of the group its leader failed to reap
}
