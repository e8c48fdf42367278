import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DestinationStream } from 'pino';
import { LINE_BINDINGS, ServerLog } from './logger';

/** oslo.middleware's request id format, the only inbound id Zaqar keeps (as the global request id). */
const REQUEST_ID_FORMAT = /^req-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/;

/** Each request's own id, as oslo.middleware makes them: a client cannot choose it. */
export function newRequestId(): string {
  return `req-${randomUUID()}`;
}

/** How long a request line may wait to be written with the others. */
const FLUSH_MS = 20;

/**
 * One request's log line: who asked for what and how it went, never a token, a query or a body.
 * Serialised by hand in pino's shape (level 30 is info) and written in batches every FLUSH_MS,
 * because it runs on every request (costs: docs/performance.md). Over `perSecond` lines in a
 * second, the lines of requests that did not fail on our side are counted instead, and the count
 * is written once the second ends.
 */
export class RequestLines {
  private isoMs = 0;
  private iso = '';
  private pending = '';
  private second = 0;
  private written = 0;
  private skipped = 0;
  private readonly flush = () => {
    this.stream.write(this.pending);
    this.pending = '';
  };
  private readonly reportSkipped = () => {
    this.append(Date.now(), `,"skipped":${this.skipped},"msg":"request lines skipped"}\n`);
    this.skipped = 0;
  };

  constructor(
    private readonly stream: DestinationStream,
    private readonly perSecond: number,
  ) {}

  write(request: FastifyRequest, status: number, durationMs: number): void {
    const ms = Date.now();
    if (!this.withinBudget(status, ms)) return;
    const url = request.url;
    const query = url.indexOf('?');
    const inbound = request.headers['x-openstack-request-id'];
    const global =
      typeof inbound === 'string' && REQUEST_ID_FORMAT.test(inbound) ? `,"global_request_id":"${inbound}"` : '';
    const route = request.routeOptions.url;
    const project = request.user?.project;
    this.append(
      ms,
      `,"request_id":"${request.id}"${global}` +
        `,"method":${JSON.stringify(request.method)},"route":${route === undefined ? 'null' : JSON.stringify(route)}` +
        `,"path":${JSON.stringify(query === -1 ? url : url.slice(0, query))},"status":${status}` +
        `,"duration_ms":${Math.round(durationMs * 1000) / 1000}` +
        `,"project":${project === undefined ? 'null' : JSON.stringify(project)},"msg":"request"}\n`,
    );
  }

  /** Whether this second still has room for a line; a server error's line always has. */
  private withinBudget(status: number, ms: number): boolean {
    const second = Math.floor(ms / 1000);
    if (second !== this.second) [this.second, this.written] = [second, 0];
    if (this.written < this.perSecond || status >= 500) {
      this.written++;
      return true;
    }
    if (this.skipped++ === 0) setTimeout(this.reportSkipped, 1000 - (ms % 1000));
    return false;
  }

  /** Queues an info line of time `ms` whose fields after pino's level, time and bindings are `rest`. */
  private append(ms: number, rest: string): void {
    if (this.pending === '') setTimeout(this.flush, FLUSH_MS);
    this.pending += `{"level":30,"time":"${this.isoTime(ms)}"${LINE_BINDINGS}${rest}`;
  }

  /** `ms` as ISO time, made once per millisecond. */
  private isoTime(ms: number): string {
    if (ms !== this.isoMs) [this.isoMs, this.iso] = [ms, new Date(ms).toISOString()];
    return this.iso;
  }
}

/**
 * Answers every request's id in X-Openstack-Request-ID (as Zaqar does since oslo.middleware's
 * RequestId joined its pipeline) and logs one line per request once it is answered, up to
 * `perSecond` lines a second.
 */
export function logRequests(fastify: FastifyInstance, log: ServerLog, perSecond: number): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-openstack-request-id', request.id);
    done();
  });
  if (!log.logger.isLevelEnabled('info')) return;
  const lines = new RequestLines(log.stream, perSecond);
  fastify.addHook('onResponse', (request, reply, done) => {
    lines.write(request, reply.statusCode, reply.elapsedTime);
    done();
  });
}
