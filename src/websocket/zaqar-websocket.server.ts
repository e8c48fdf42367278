import { once } from 'node:events';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { WebSocket, WebSocketServer } from 'ws';
import { maxRequestBytes } from '../config/limits';
import type { Settings } from '../config/settings';
import { SETTINGS } from '../config/settings.module';
import { MAX_IN_FLIGHT, MAX_UNREAD_BYTES } from '../common/connection-limits';
import { startHeartbeat } from './heartbeat';
import { SocketSession } from './socket-session';
import { isResponse, parseFrame } from './zaqar-frame';
import { ZaqarProtocol } from './zaqar-protocol';

/**
 * Zaqar's WebSocket transport on its own port: each text frame is one request of the JSON protocol,
 * answered on the same connection, through the same scope, policy and services as REST.
 */
@Injectable()
export class ZaqarWebsocketServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ZaqarWebsocketServer.name);
  private server?: WebSocketServer;
  private stopHeartbeat?: () => void;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly protocol: ZaqarProtocol,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const address = this.settings.websocket;
    if (!address) return;
    // Frames up to four times the largest request are read and refused with an answer; larger
    // ones close the connection (1009) before they are buffered whole.
    const server = new WebSocketServer({ ...address, maxPayload: 4 * maxRequestBytes(this.settings.limits) });
    this.server = server;
    await once(server, 'listening');
    server.on('connection', (socket) => this.serve(socket));
    this.stopHeartbeat = startHeartbeat(server, this.settings.connections.socketPingIntervalMs);
    this.logger.log(`Zaqar's WebSocket protocol on ws://${address.host}:${address.port}/`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.server) return;
    this.stopHeartbeat?.();
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private serve(socket: WebSocket): void {
    let inFlight = 0;
    const send = (payload: unknown) => {
      if (socket.readyState !== WebSocket.OPEN) return;
      if (socket.bufferedAmount > MAX_UNREAD_BYTES) return socket.terminate();
      socket.send(JSON.stringify(payload));
    };
    // A push is the notification itself, as Zaqar's transport forwards what its notifier posted.
    const session = new SocketSession(send, (code, reason) => socket.close(code, reason));
    this.protocol.opened(session);
    socket.on('close', () => void this.protocol.closed(session));
    // A protocol error (an oversized or malformed frame) closes the connection; unheard, it would end the process.
    socket.on('error', (error) => this.logger.debug(`socket closed: ${error.message}`));
    socket.on('message', async (data: Buffer, isBinary: boolean) => {
      if (++inFlight > MAX_IN_FLIGHT) return socket.close(1008, 'too many requests in flight');
      const parsed = parseFrame(data, isBinary, maxRequestBytes(this.settings.limits));
      const answer = isResponse(parsed)
        ? parsed
        : await this.protocol.answer(session, parsed.request, parsed.wellFormed);
      inFlight--;
      send(answer);
    });
  }
}
