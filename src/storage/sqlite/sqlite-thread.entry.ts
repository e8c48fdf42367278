/**
 * The SQLite thread: opens the database named in workerData and runs the calls the server thread
 * forwards (see sqlite-thread.driver.ts). Calls run in arrival order; writes of one event-loop turn
 * still share one commit (the driver's group commit), and each answer leaves after its commit, in
 * one message with the other answers of that commit (BatchedSender).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { StorageDriver } from '../storage.contract';
import { BatchedSender } from './batched-sender';
import { type Call, errorShape, type Opened, type Reply } from './driver-thread.protocol';
import { openSqliteDriver } from './sqlite.driver';

const port = parentPort!;

function targetOf(driver: StorageDriver, call: Call): object {
  return call.target === 'driver' ? driver : driver[call.target];
}

function serve(driver: StorageDriver): void {
  const replies = new BatchedSender<Reply>((batch) => port.postMessage(batch));
  port.on('message', (call: Call) => run(driver, call, replies));
}

function run(driver: StorageDriver, call: Call, replies: BatchedSender<Reply>): void {
  const target = targetOf(driver, call) as Record<string, (...args: unknown[]) => Promise<unknown>>;
  // Started inside a promise: a method that throws before it returns one must fail its call, not
  // end the thread (an uncaught exception here would take every later call with it).
  Promise.resolve(call.args)
    .then((args) => target[call.method](...args))
    .then(
      (value) => {
        replies.send({ id: call.id, value });
        // The server thread ends the thread once close has answered; nothing is left to do here
        // once that answer has gone (its batch is posted by a microtask queued before this one).
        if (call.target === 'driver' && call.method === 'close') queueMicrotask(() => port.close());
      },
      (error: unknown) => replies.send({ id: call.id, error: errorShape(error) }),
    );
}

openSqliteDriver(workerData as string).then(
  (driver) => {
    serve(driver);
    port.postMessage({ opened: true } satisfies Opened);
  },
  (error: unknown) => port.postMessage({ opened: false, error: errorShape(error) } satisfies Opened),
);
