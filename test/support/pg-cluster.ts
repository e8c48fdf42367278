import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort } from './server';

const run = promisify(execFile);

/** Where Debian puts PostgreSQL's server programs; TEST_PG_BIN names another. */
const PG_BIN = process.env.TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** PostgreSQL refuses to run as root: as root, its programs run as the `postgres` user. */
const AS_POSTGRES = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];

function pgCommand(program: string, args: string[]): [string, string[]] {
  const command = [...AS_POSTGRES, path.join(PG_BIN, program), ...args];
  return [command[0], command.slice(1)];
}

/** What a machine lacks to run a cluster of a test's own, or null. */
export function pgClusterMissing(): string | null {
  return fs.existsSync(path.join(PG_BIN, 'pg_ctl')) ? null : `no PostgreSQL server programs in ${PG_BIN} (TEST_PG_BIN)`;
}

/** Every cluster not yet destroyed, so that a test run that ends abruptly still stops them. */
const running = new Set<PgCluster>();
process.once('exit', () => {
  for (const cluster of running) cluster.destroySync();
});

/**
 * A throwaway PostgreSQL cluster of a test's own (initdb in a temporary folder, trust auth, on
 * 127.0.0.1 at a free port), which the test may stop and start at will: never the shared cluster
 * on 5432. `destroy` stops it and removes its files; call it in afterAll.
 */
export class PgCluster {
  private constructor(
    private readonly dir: string,
    private port: number,
  ) {}

  /** Creates the cluster and starts it. */
  static async create(): Promise<PgCluster> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zaqar-pg-'));
    if (AS_POSTGRES.length) spawnSync('chown', ['postgres:postgres', dir]);
    const cluster = new PgCluster(dir, await freePort());
    running.add(cluster);
    try {
      // --no-sync only spares initdb's own final fsync; the server below runs with fsync on
      await cluster.pg('initdb', ['-D', cluster.data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
      // the free port may have been taken meanwhile by another test's process: try another
      for (let attempt = 1; ; attempt++) {
        try {
          await cluster.start();
          break;
        } catch (error) {
          if (attempt === 3 || !cluster.log().includes('could not bind')) throw error;
          cluster.port = await freePort();
        }
      }
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
    return cluster;
  }

  /** The cluster's `postgres` database. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /**
   * Creates database `name` whose files all live in `dir`, a new folder (a tablespace there: on a
   * small tmpfs, say, to run the database out of space), and answers its URL.
   */
  async createDatabaseIn(dir: string, name: string): Promise<string> {
    fs.mkdirSync(dir);
    if (AS_POSTGRES.length) spawnSync('chown', ['postgres:postgres', dir]);
    const client = new Client({ connectionString: this.url });
    await client.connect();
    try {
      await client.query(`CREATE TABLESPACE ${name} LOCATION '${dir}'`);
      await client.query(`CREATE DATABASE ${name} TABLESPACE ${name}`);
    } finally {
      await client.end();
    }
    const url = new URL(this.url);
    url.pathname = `/${name}`;
    return url.toString();
  }

  private get data(): string {
    return path.join(this.dir, 'data');
  }

  private get logFile(): string {
    return path.join(this.dir, 'log');
  }

  /** Starts the server and waits until it accepts connections. */
  async start(): Promise<void> {
    const options = [
      `-p ${this.port}`,
      '-c listen_addresses=127.0.0.1',
      // its socket in its own folder, out of the way of the machine's cluster
      `-c unix_socket_directories=${this.dir}`,
      '-c fsync=on',
      '-c synchronous_commit=on',
      '-c max_connections=50',
    ].join(' ');
    await this.pg('pg_ctl', ['start', '-w', '-t', '60', '-D', this.data, '-l', this.logFile, '-o', options]);
  }

  /**
   * Stops the server: `immediate` kills it without a checkpoint (the crash case: recovery replays
   * the WAL at the next start), `fast` ends every session and checkpoints first.
   */
  async stop(mode: 'immediate' | 'fast'): Promise<void> {
    await this.pg('pg_ctl', ['stop', '-w', '-t', '60', '-D', this.data, '-m', mode]);
  }

  /** How many sessions with this application_name the server has open. */
  async connectionsNamed(applicationName: string): Promise<number> {
    const client = new Client({ connectionString: this.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
        [applicationName],
      );
      return rows[0].n;
    } finally {
      await client.end();
    }
  }

  private log(): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  /** Stops the server if it runs and removes the cluster's files. */
  async destroy(): Promise<void> {
    this.destroySync();
  }

  /** destroy, synchronously: what a process's exit handler can still do. */
  destroySync(): void {
    if (!running.delete(this)) return;
    if (fs.existsSync(path.join(this.data, 'postmaster.pid'))) {
      const [command, args] = pgCommand('pg_ctl', ['stop', '-w', '-D', this.data, '-m', 'immediate']);
      spawnSync(command, args, { stdio: 'ignore' });
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private async pg(program: string, args: string[]): Promise<void> {
    const [command, commandArgs] = pgCommand(program, args);
    try {
      await run(command, commandArgs, { cwd: this.dir });
    } catch (error) {
      throw new Error(`${program} failed: ${(error as Error).message}\n${this.log().slice(-2000)}`);
    }
  }
}
