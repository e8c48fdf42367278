import { createServer, type RequestListener, type Server } from 'node:http';
import type { ConnectionSettings } from '../config/connection-settings';
import { refuseExpectation, refuseTunnel } from './http-refusals';
import { lingerOnClose } from './lingering-close';
import { pipelinedTurns } from './pipelined-turns';

/** How often Node looks for requests past their timeouts at most, ms (its own default is 30 s). */
const TIMEOUT_CHECK_MS = 1_000;

/**
 * The HTTP/1.1 server under Fastify (its serverFactory): slow and idle clients are timed out,
 * pipelined requests take turns, and what Node would answer by itself gets Zaqar's answers.
 */
export function httpServerFactory(connections: ConnectionSettings): (handler: RequestListener) => Server {
  const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs } = connections;
  const timeouts = [headersTimeoutMs, requestTimeoutMs].filter((ms) => ms > 0);
  return (handler) => {
    const server = createServer(
      {
        headersTimeout: headersTimeoutMs,
        requestTimeout: requestTimeoutMs,
        keepAliveTimeout: keepAliveTimeoutMs,
        connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_MS, ...timeouts),
      },
      pipelinedTurns(handler),
    );
    server.on('connect', refuseTunnel).on('checkExpectation', refuseExpectation);
    lingerOnClose(server);
    return server;
  };
}
