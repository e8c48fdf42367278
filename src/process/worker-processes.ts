import cluster, { type Worker } from 'node:cluster';
import { relayBetweenWorkers } from './worker-relay';

/**
 * Runs the server as several processes sharing one port (Node's cluster module), as Zaqar runs
 * under several gunicorn workers: one Node process serves from one core, and with PostgreSQL the
 * storage is shared and safe across processes (row locks, SKIP LOCKED, per-queue sequence locks),
 * so a second process puts a second core to work.
 *
 * The primary only accepts connections and hands them out (round-robin); a keep-alive client stays
 * with the process it was handed to. A worker that dies after it was serving is replaced, and so is
 * one killed by a signal while it started (an operator's kill -9, the OOM killer). One that exits
 * on its own before it ever listened has met a broken configuration (storage unreachable, say),
 * which the next would meet too, so the primary then stops the others and exits with an error
 * instead of starting workers in a loop. SIGTERM or SIGINT to the primary stops the workers (each
 * closes its storage and drains) and then the primary.
 */
export function superviseWorkers(count: number, port: number, log = (line: string) => console.error(line)): void {
  const serving = new Map<Worker, boolean>();
  let stopping = false;
  let exitCode = 0;

  const spawn = (): void => {
    serving.set(cluster.fork(), false);
  };

  const stopAll = (code: number): void => {
    stopping = true;
    exitCode = Math.max(exitCode, code);
    if (serving.size === 0) process.exit(exitCode);
    for (const worker of serving.keys()) worker.process.kill('SIGTERM');
  };

  // A worker's 'listening' can arrive after its 'exit' (killed just after it listened): a dead
  // worker must not come back into the map, or the primary would wait for it forever.
  // A worker listens on other ports too (Zaqar's WebSocket protocol); it serves once it listens on the API's.
  cluster.on('listening', (worker, address) => {
    if (!serving.has(worker) || (port !== 0 && address.port !== port)) return;
    serving.set(worker, true);
    log(`server worker ${worker.process.pid} listening`);
  });
  cluster.on('exit', (worker, code, signal) => {
    const wasServing = serving.get(worker) ?? false;
    serving.delete(worker);
    if (stopping) {
      if (serving.size === 0) process.exit(exitCode);
      return;
    }
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (!wasServing && !signal) {
      log(`server worker ${worker.process.pid} exited with ${how} before it listened; stopping`);
      stopAll(1);
      return;
    }
    log(`server worker ${worker.process.pid} exited with ${how}; starting another`);
    spawn();
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => stopAll(0));
  }
  // Without Redis, a notification for a socket held by another worker goes through here, and so do message signals.
  relayBetweenWorkers(() => [...serving.keys()].filter((worker) => worker.isConnected()));
  for (let i = 0; i < count; i++) spawn();
}
