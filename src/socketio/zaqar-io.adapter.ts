import type { INestApplication } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import { maxRequestBytes, type TransportLimits } from '../config/limits';

/**
 * Socket.IO on the REST port's HTTP server, at its default path /socket.io/, refusing payloads
 * over the size REST refuses bodies at, and dropping a client that misses a ping period's pong.
 */
export class ZaqarIoAdapter extends IoAdapter {
  constructor(
    app: INestApplication,
    private readonly limits: TransportLimits,
    private readonly pingIntervalMs: number,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    return super.createIOServer(port, {
      ...options,
      // WebSocket only: long-polling spreads one session over many HTTP requests, which cluster
      // workers (WORKERS>1) would share out among themselves without sticky sessions.
      transports: ['websocket'],
      maxHttpBufferSize: maxRequestBytes(this.limits),
      pingInterval: this.pingIntervalMs,
      pingTimeout: this.pingIntervalMs,
    }) as Server;
  }
}
