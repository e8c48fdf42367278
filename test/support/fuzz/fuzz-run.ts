import fc from 'fast-check';
import type { FuzzSetting } from './field-values';
import { type Caller, type HttpCase, httpCases, type Operation, type ServerName } from './http-cases';
import { type Outcome, send, type WireRequest, wireRequest } from './http-send';
import type { Known } from './known';
import { learnFromHttp, learnFromSocket } from './learning';
import { httpVerdict, outcomeClass, socketVerdict, type Tally } from './oracle';
import type { Schema } from './schema-values';
import { type ActionFields, socketioCases, websocketCases } from './socket-cases';
import { frameBytes, MAX_REQUEST_BYTES, SocketioDriver, type SocketOutcome, WebsocketDriver } from './socket-send';
import { jsonText, resolved } from './json-text';

/** Where a run sends its requests, and what it knows of each server. */
export interface FuzzTargets {
  ports: Record<ServerName, number>;
  websocketPort: number;
  known: Record<ServerName, Known>;
}

/** What a run draws its requests from: the documented routes, the socket actions, and the run's setting. */
export interface FuzzSurface {
  operations: Operation[];
  components: Record<string, Schema>;
  actions: Record<string, ActionFields>;
  setting: FuzzSetting;
  caller: Caller;
}

export interface PassOptions {
  seed: number;
  /** Requests in this pass, over every channel. */
  runs: number;
  timeoutMs: number;
}

function describeHttp(w: WireRequest, outcome: Outcome): string {
  const headers = w.headers
    .map(([n, v]) => `${n}: ${v.length > 60 ? `${v.slice(0, 60)}…(${v.length})` : v}`)
    .join(' | ');
  const body = w.body ? ` body(${w.body.length}): ${w.body.subarray(0, 160).toString('latin1')}` : '';
  const got = outcome.kind === 'answer' ? `→ ${outcome.answer.status}` : `→ ${outcome.kind}`;
  return `${w.framing} ${w.method} ${w.target.slice(0, 200)} [${headers}]${body} ${got}`;
}

/**
 * One pass: four streams at once, each a fast-check run of its own seed — two of REST requests,
 * one of WebSocket frames, one of Socket.IO events — every outcome judged and counted in `tally`.
 */
export async function fuzzPass(
  surface: FuzzSurface,
  targets: FuzzTargets,
  tally: Tally,
  options: PassOptions,
): Promise<void> {
  const { seed, runs, timeoutMs } = options;
  const { operations, components, actions, setting, caller } = surface;
  const share = (part: number) => Math.max(1, Math.round(runs * part));
  /**
   * A fast-check run of `cases.any`, led by one case of each `cases.byOperation` (or byAction), so
   * every route and action is tried in every pass however few its runs.
   */
  const check = async <T>(
    channel: string,
    cases: { any: fc.Arbitrary<T>; each: Array<fc.Arbitrary<T>> },
    numRuns: number,
    streamSeed: number,
    step: (c: T) => Promise<void>,
  ) => {
    const examples = cases.each.map(
      (arbitrary, i) => fc.sample(arbitrary, { seed: (streamSeed + 7919 * (i + 1)) | 0, numRuns: 1 }) as [T],
    );
    const details = await fc.check(
      fc.asyncProperty(cases.any, async (c) => {
        await step(c);
        return true;
      }),
      { seed: streamSeed, numRuns: Math.max(numRuns, examples.length), examples, endOnFailure: true },
    );
    // a step that throws is a fault of this harness, not an answer: it ends the stream, and the test
    if (details.failed) {
      const error = details.errorInstance as Error | undefined;
      tally.record(
        channel,
        'harness',
        'error',
        `the stream stopped: ${error?.stack ?? String(details.errorInstance)}`,
        () => `seed ${streamSeed}, run ${details.numRuns}: ${JSON.stringify(details.counterexample)?.slice(0, 400)}`,
      );
    }
  };

  const http = async (c: HttpCase) => {
    const known = targets.known[c.server];
    const wire = wireRequest(c, known);
    const outcome = await send(wire, targets.ports[c.server], timeoutMs);
    if (outcome.kind === 'answer') learnFromHttp(wire.method.toUpperCase(), wire.target, outcome.answer, known);
    tally.record(
      'http',
      c.operation,
      outcomeClass(outcome),
      httpVerdict(wire, outcome),
      () => `seed ${seed}: ${describeHttp(wire, outcome)}`,
    );
  };

  const socketRecord = (
    channel: string,
    action: string,
    outcome: SocketOutcome,
    mayClose: boolean,
    input: () => string,
  ) => {
    if (outcome.kind === 'unsent') return;
    if (outcome.kind === 'answer') learnFromSocket(outcome.answer, targets.known.plain);
    const verdict = socketVerdict(outcome, mayClose);
    tally.record(
      channel,
      action,
      outcomeClass(outcome),
      verdict,
      () => `seed ${seed}: ${input()} → ${JSON.stringify(outcome).slice(0, 300)}`,
    );
  };

  const websocket = new WebsocketDriver(targets.websocketPort, timeoutMs);
  const socketio = new SocketioDriver(targets.ports.plain, timeoutMs, caller);
  const requests = httpCases(operations, setting, components, caller);
  const frames = websocketCases(actions, setting, components, caller);
  const events = socketioCases(actions, setting, components, caller);
  try {
    await Promise.all([
      check('http', { any: requests.any, each: requests.byOperation }, share(0.3), seed, http),
      check('http', { any: requests.any, each: [] }, share(0.3), seed + 1, http),
      check('websocket', { any: frames.any, each: frames.byAction }, share(0.2), seed + 2, async (c) => {
        const known = targets.known.plain;
        const bytes = frameBytes(c, known);
        const outcome = await websocket.send(c, known);
        const mayClose = ('mayClose' in c && c.mayClose) || bytes > 4 * MAX_REQUEST_BYTES;
        socketRecord('websocket', c.action, outcome, mayClose, () =>
          'frame' in c
            ? jsonText(resolved(c.frame, known)).slice(0, 400)
            : `raw ${JSON.stringify(c.raw).slice(0, 200)}`,
        );
      }),
      check('socket.io', { any: events.any, each: events.byAction }, share(0.2), seed + 3, async (c) => {
        const known = targets.known.plain;
        const bytes = socketio.payloadBytes(c, known);
        const outcome = await socketio.send(c, known);
        const mayClose = 'packet' in c || c.mayClose || bytes > MAX_REQUEST_BYTES;
        socketRecord('socket.io', c.action, outcome, mayClose, () =>
          'packet' in c
            ? `packet ${JSON.stringify(c.packet).slice(0, 200)}`
            : `${String(c.event)} ${jsonText(c.args.map((a) => resolved(a, known))).slice(0, 400)}`,
        );
      }),
    ]);
  } finally {
    websocket.close();
    socketio.close();
  }
}
