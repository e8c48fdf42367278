import { once } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { WebSocket, WebSocketServer } from 'ws';
import { ZaqarError } from '../common/errors';
import { requestScope } from '../common/request-scope';
import { maxRequestBytes } from '../config/limits';
import type { Settings } from '../config/settings';
import { SETTINGS } from '../config/settings.module';
import { trustedHeaders } from '../identity/strategies/noauth.strategy';
import { authorize } from '../policy/policy.guard';
import { PolicyService } from '../policy/policy.service';
import { fitsSchema, ZaqarActions } from './zaqar-actions';
import { isResponse, parseFrame, response, type ZaqarRequest, type ZaqarResponse } from './zaqar-frame';

/** Answers a client may leave unread before it is dropped: it sends faster than it reads. */
const MAX_UNREAD_BYTES = 8 * 1024 * 1024;
/** Requests of one connection in progress at once; more, and the connection is closed. */
const MAX_IN_FLIGHT = 256;
/** Every action's schema asks for these headers (zaqar/api/v2/request.py). */
const REQUIRED_HEADERS = ['Client-ID', 'X-Project-ID'];

/**
 * Zaqar's WebSocket transport on its own port: each text frame is one request of the JSON protocol,
 * answered on the same connection, through the same scope, policy and services as REST.
 */
@Injectable()
export class ZaqarWebsocketServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ZaqarWebsocketServer.name);
  private server?: WebSocketServer;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly actions: ZaqarActions,
    private readonly policy: PolicyService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const address = this.settings.websocket;
    if (!address) return;
    const server = new WebSocketServer({ ...address, maxPayload: maxRequestBytes(this.settings.limits) });
    this.server = server;
    await once(server, 'listening');
    server.on('connection', (socket) => this.serve(socket));
    this.logger.log(`Zaqar's WebSocket protocol on ws://${address.host}:${address.port}/`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.server) return;
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private serve(socket: WebSocket): void {
    let inFlight = 0;
    socket.on('message', async (data: Buffer, isBinary: boolean) => {
      if (++inFlight > MAX_IN_FLIGHT) return socket.close(1008, 'too many requests in flight');
      const answer = await this.answer(data, isBinary);
      inFlight--;
      if (socket.readyState !== WebSocket.OPEN) return;
      if (socket.bufferedAmount > MAX_UNREAD_BYTES) return socket.terminate();
      socket.send(JSON.stringify(answer));
    });
  }

  /** One frame's answer; never throws. */
  async answer(data: Buffer, isBinary: boolean): Promise<ZaqarResponse> {
    const parsed = parseFrame(data, isBinary);
    if (isResponse(parsed)) return parsed;
    const { request, wellFormed } = parsed;
    const spec =
      request.action && Object.hasOwn(this.actions.actions, request.action)
        ? this.actions.actions[request.action]
        : undefined;
    if (!spec) return response(request, 400, { error: `${request.action} is not a valid action` });
    if (
      !wellFormed ||
      !REQUIRED_HEADERS.every((name) => typeof request.headers[name] === 'string') ||
      !fitsSchema(spec, request.body)
    ) {
      return response(request, 400, { error: 'Schema validation failed.' });
    }
    // Keystone's `authenticate` action is not served yet: only trusted headers speak on sockets.
    if (this.settings.authStrategy !== 'noauth') return response(request, 403, { error: 'Not authentified.' });
    try {
      const headers = lowerCased(request);
      const ctx = requestScope(
        headers,
        trustedHeaders(headers),
        request.body.queue_name as string | undefined,
        this.settings.limits,
      );
      authorize(this.policy, spec.policy, ctx);
      const [status, body] = await spec.run(ctx, request.body);
      return response(request, status, body);
    } catch (error) {
      if (error instanceof ZaqarError) {
        // zaqar/common/api/utils.py error_response: the exception's text, and the endpoint's own words
        return response(request, error.status, { exception: error.description, error: error.title });
      }
      this.logger.error(`${request.action} failed: ${(error as Error).stack ?? error}`);
      return response(request, 500, { exception: String(error), error: 'Unexpected error.' });
    }
  }
}

/** The frame's string headers under the lower-case names the shared checks read. */
function lowerCased(request: ZaqarRequest): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string') headers[name.toLowerCase()] = value;
  }
  return headers;
}
