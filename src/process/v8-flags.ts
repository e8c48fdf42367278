/**
 * The V8 flags the server runs with. `npm start` passes them (package.json, checked by
 * v8-flags.spec.ts), and so does the test launcher, so tests run the server as users do. V8 reads
 * them only on the command line: Node refuses them in NODE_OPTIONS, except the first. A server
 * started without them says so at start (missingV8Flags), since it would run without error, only
 * with longer pauses.
 *
 * Each was measured on the benchmark (32 connections, 2 cores; README, "Memory"):
 * - `--max-semi-space-size=64`: a 64 MB young generation instead of 16 MB, so the server stops for
 *   a scavenge a few times a second instead of ten.
 * - `--no-allocation-site-pretenuring`: after a few seconds of load V8 decided to allocate objects
 *   from some of the request path's allocation sites straight into the old generation. From then on
 *   everything those objects pointed to survived every scavenge until the next full collection:
 *   about 4 MB copied per scavenge instead of 0.2, pauses of 15 ms instead of 1.5, and the state
 *   never went back. Without pretenuring, every scenario's p99 fell (by up to 5×), on both stores.
 */
export const SERVER_V8_FLAGS = ['--max-semi-space-size=64', '--no-allocation-site-pretenuring'] as const;

/** The flags of SERVER_V8_FLAGS this process was not started with. */
export function missingV8Flags(execArgv: readonly string[] = process.execArgv): string[] {
  return SERVER_V8_FLAGS.filter((flag) => !execArgv.includes(flag));
}
