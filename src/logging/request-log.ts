import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

/** oslo.middleware's request id format, the only inbound id Zaqar keeps (as the global request id). */
const REQUEST_ID_FORMAT = /^req-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/;

/** Each request's own id, as oslo.middleware makes them: a client cannot choose it. */
export function newRequestId(): string {
  return `req-${randomUUID()}`;
}

/** What one request's log line says: who asked for what and how it went, never a token or a body. */
export function requestLine(request: FastifyRequest, status: number, durationMs: number): Record<string, unknown> {
  const inbound = request.headers['x-openstack-request-id'];
  const url = request.url;
  const query = url.indexOf('?');
  return {
    request_id: request.id,
    global_request_id: typeof inbound === 'string' && REQUEST_ID_FORMAT.test(inbound) ? inbound : undefined,
    method: request.method,
    route: request.routeOptions.url ?? null,
    path: query === -1 ? url : url.slice(0, query),
    status,
    duration_ms: Math.round(durationMs * 1000) / 1000,
    project: request.user?.project ?? null,
  };
}

/**
 * Answers every request's id in X-Openstack-Request-ID (as Zaqar does since oslo.middleware's
 * RequestId joined its pipeline) and logs one line per request once it is answered.
 */
export function logRequests(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-openstack-request-id', request.id);
    done();
  });
  if (!logger.isLevelEnabled('info')) return;
  fastify.addHook('onResponse', (request, reply, done) => {
    logger.info(requestLine(request, reply.statusCode, reply.elapsedTime), 'request');
    done();
  });
}
