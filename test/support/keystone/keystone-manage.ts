import { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { KEYSTONE_MANAGE } from './keystone-prerequisites';
import { exitOf, hasExited, KeystoneHarnessError, spawnPython, stopGroup, tail } from './keystone-process';

/**
 * keystone-manage's own entry (keystone.cmd.cli.main), imported once and run in a fork per command.
 * Importing Keystone costs ~2.5 s of CPU and the commands themselves ~0.3 s each: four separate
 * keystone-manage processes on a busy two-CPU machine took 15-40 s, the forks take a fraction.
 * Protocol: a JSON line {"id", "args", "log"} in per command; {"id", "pid"} out when forked and
 * {"id", "exit"} when done (negative exit: killed by that signal). Runs until stdin closes.
 */
const FORKING_MANAGE = String.raw`import json, os, select, sys, time, traceback
from keystone.cmd import cli

CONF_FILE = sys.argv[1]

def report(**fields):
    sys.stdout.write(json.dumps(fields) + '\n')
    sys.stdout.flush()

def fork_command(args, log):
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        sys.argv = ['keystone-manage', '--config-file', CONF_FILE] + args
        cli.main(argv=sys.argv)
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if e.code is not None and not isinstance(e.code, int):
            print(e.code, file=sys.stderr)
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)

running = {}
pending = b''
reading = True
while reading or running:
    if reading and select.select([0], [], [], 0.05)[0]:
        chunk = os.read(0, 65536)
        reading = bool(chunk)
        pending += chunk
        while b'\n' in pending:
            line, pending = pending.split(b'\n', 1)
            request = json.loads(line)
            pid = fork_command(request['args'], request['log'])
            running[pid] = request['id']
            report(id=request['id'], pid=pid)
    elif not reading:
        time.sleep(0.05)
    while running:
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            break
        report(id=running.pop(pid), exit=os.waitstatus_to_exitcode(status))
`;

/**
 * Runs keystone-manage commands for one Keystone (`<dir>/keystone.conf`), each logged to
 * `<dir>/manage-<command>.log`. Under heavy load keystone-manage has been seen to fail once and pass
 * on a second run, and every command used here is idempotent, so a failure is retried once, as a
 * plain keystone-manage process: a retry that does not depend on the forking runner either.
 */
export class KeystoneManage {
  private readonly runner: ChildProcess;
  private readonly runnerLog: string;
  private readonly waiting = new Map<number, { pid?: number; done(outcome: number | string): void }>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly dir: string) {
    const script = path.join(dir, 'keystone_manage_forks.py');
    fs.writeFileSync(script, FORKING_MANAGE);
    this.runnerLog = path.join(dir, 'manage-runner.log');
    // cwd: a relative path in a bad keystone.conf lands in the temp dir, not in the repository
    this.runner = spawnPython([script, path.join(dir, 'keystone.conf')], this.runnerLog, {
      pipeStdio: true,
      cwd: dir,
    });
    this.runner.stdin!.on('error', () => undefined); // a dead runner is reported through 'close'
    createInterface({ input: this.runner.stdout! }).on('line', (line) => {
      let message: { id: number; pid?: number; exit?: number };
      try {
        message = JSON.parse(line);
      } catch {
        fs.appendFileSync(this.runnerLog, `${line}\n`); // something in Keystone printed to stdout
        return;
      }
      const entry = this.waiting.get(message.id);
      if (!entry) return;
      if (message.pid !== undefined) entry.pid = message.pid;
      if (message.exit !== undefined) entry.done(message.exit < 0 ? `killed by signal ${-message.exit}` : message.exit);
    });
    // 'close', not 'exit': every line the runner wrote has been read by then
    this.runner.once('close', (code, signal) => {
      this.closed = true;
      for (const entry of this.waiting.values()) entry.done(`the forking runner exited (${code ?? signal})`);
    });
  }

  async run(args: string[], timeoutMs = 60_000): Promise<void> {
    const log = path.join(this.dir, `manage-${args[0]}.log`);
    const note = (line: string) => fs.appendFileSync(log, `=== ${line}\n`);
    note(`keystone-manage ${args.join(' ')}`);
    let began = Date.now();
    let outcome = await this.forked(args, log, timeoutMs);
    note(`exit ${outcome} after ${Date.now() - began} ms`);
    if (outcome === 0) return;

    note('retrying as a keystone-manage process of its own');
    began = Date.now();
    const conf = path.join(this.dir, 'keystone.conf');
    const child = spawnPython([KEYSTONE_MANAGE, '--config-file', conf, ...args], log, { cwd: this.dir });
    outcome = await exitOf(child, timeoutMs);
    note(`exit ${outcome} after ${Date.now() - began} ms`);
    if (outcome === 0) return;
    const why = typeof outcome === 'number' ? `exit code ${outcome}` : outcome;
    const runner = hasExited(this.runner) ? `\n${tail(this.runnerLog)}` : '';
    throw new KeystoneHarnessError(`keystone-manage ${args[0]} failed twice (${why})\n${tail(log)}${runner}`);
  }

  /** Lets the runner exit once its commands are done (SIGKILL if it takes more than 10 s). */
  async close(): Promise<void> {
    if (hasExited(this.runner)) return;
    const exited = exitOf(this.runner, 10_000);
    this.runner.stdin!.end();
    await exited;
  }

  /** Ends the runner and every command still running, at once. */
  kill(): Promise<void> {
    return stopGroup(this.runner, 'SIGKILL');
  }

  private forked(args: string[], log: string, timeoutMs: number): Promise<number | string> {
    if (this.closed) return Promise.resolve('the forking runner is not running');
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const pid = this.waiting.get(id)?.pid;
        try {
          if (pid) process.kill(pid, 'SIGKILL'); // the runner reaps it
        } catch {
          // it ended meanwhile
        }
        finish(`timed out after ${timeoutMs / 1000} s`);
      }, timeoutMs);
      const finish = (outcome: number | string) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(outcome);
      };
      this.waiting.set(id, { done: finish });
      this.runner.stdin!.write(`${JSON.stringify({ id, args, log })}\n`);
    });
  }
}
