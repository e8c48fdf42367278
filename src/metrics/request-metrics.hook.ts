import type { FastifyInstance, onResponseHookHandler } from 'fastify';
import type { RequestMetrics } from './request-metrics';

/**
 * Gives every route an onResponse hook of its own that knows the route's pattern, so a request
 * costs one map lookup by status (request.routeOptions would build an object per read). Call
 * before the routes are registered (Nest registers them at init). Requests no route matched are
 * not counted: their paths are whatever a client sent.
 */
export function countRequests(fastify: FastifyInstance, requests: RequestMetrics): void {
  fastify.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const recorders = new Map(methods.map((method) => [method, requests.recorder(route.url, method)]));
    const record: onResponseHookHandler = (request, reply, done) => {
      recorders.get(request.method)?.(reply.statusCode, reply.elapsedTime / 1000);
      done();
    };
    const existing = route.onResponse === undefined ? [] : [route.onResponse].flat();
    route.onResponse = [...existing, record];
  });
}
