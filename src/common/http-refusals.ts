import { type IncomingMessage, maxHeaderSize, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { BadRequest, MethodNotAllowed, ZaqarError } from './errors';
import { closeLingering } from './lingering-close';
import { ROUTES } from './route-table';

/**
 * Requests refused before any route or the exception filter sees them, answered in Zaqar's error
 * body instead of Fastify's or Node's own: bytes that are no HTTP request, URLs Fastify cannot
 * decode, and the methods and headers Node answers by itself.
 */

/** A refusal's body and headers; the connection closes after it. */
function serialised(refusal: ZaqarError): { body: string; headers: Record<string, string | number> } {
  const body = JSON.stringify(refusal.toBody());
  const headers = {
    'Content-Type': 'application/json',
    ...refusal.headers,
    'Content-Length': Buffer.byteLength(body),
    Connection: 'close',
  };
  return { body, headers };
}

/** Writes the refusal straight to the connection: no request is left to route. */
function writeRefusal(socket: Duplex, refusal: ZaqarError): void {
  if (!socket.writable) return;
  const { body, headers } = serialised(refusal);
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.write(`HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}\r\n${lines.join('')}\r\n${body}`);
}

/** What Node's parser refused, in Zaqar's words. */
function clientErrorRefusal(code: string | undefined): ZaqarError {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return new ZaqarError(408, 'Request timeout', 'The request did not arrive in time.');
  if (code === 'HPE_HEADER_OVERFLOW') {
    const description = `The request's headers may not be larger than ${maxHeaderSize} bytes.`;
    return new ZaqarError(431, 'Request header fields too large', description);
  }
  return new BadRequest('Malformed request', 'The request could not be read as HTTP/1.1.');
}

/** Fastify's clientErrorHandler: what Node's parser refuses (bad framing, headers over the limit, a body cut short). */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // a reset connection has nobody left to answer
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  writeRefusal(socket, clientErrorRefusal(error.code));
  closeLingering(socket as Socket);
}

/** Fastify's frameworkErrors: a path with a malformed percent-encoding. */
export function answerFrameworkError(_error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const refusal = new BadRequest(
    'Malformed request',
    'The request path is not a valid URL: it has a malformed percent-encoding.',
  );
  reply.status(refusal.status).send(refusal.toBody());
}

/** The HTTP server's `connect` event: Node would drop the connection unanswered; no route tunnels. */
export function refuseTunnel(request: IncomingMessage, socket: Duplex): void {
  writeRefusal(socket, new MethodNotAllowed('CONNECT', ROUTES.allowed(request.url?.split('?')[0] ?? '')));
  closeLingering(socket as Socket);
}

/** The HTTP server's `checkExpectation` event: Node would answer 417 with an empty body. */
export function refuseExpectation(request: IncomingMessage, response: ServerResponse): void {
  const refusal = new ZaqarError(
    417,
    'Expectation failed',
    `Expect: ${request.headers.expect} cannot be met; only 100-continue can.`,
  );
  const { body, headers } = serialised(refusal);
  response.writeHead(refusal.status, headers);
  response.end(body);
}
