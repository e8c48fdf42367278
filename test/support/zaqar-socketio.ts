import { io, type Socket } from 'socket.io-client';

export type Payload = Record<string, unknown>;

/**
 * One Socket.IO connection to a server's REST port: each action an event answered through its
 * acknowledgement, and the notifications its socket subscriptions push kept in order.
 */
export class ZaqarSocketio {
  readonly pushes: Payload[] = [];
  /** Why the connection ended (Socket.IO's disconnect reason). */
  readonly disconnected: Promise<string>;

  private constructor(readonly socket: Socket) {
    socket.on('notification', (notification: Payload) => this.pushes.push(notification));
    this.disconnected = new Promise((resolve) => socket.once('disconnect', resolve));
  }

  /** The server serves the WebSocket transport only; a lost connection stays lost, for the tests to see. */
  static async open(port: number): Promise<ZaqarSocketio> {
    const socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => socket.once('connect', () => resolve()).once('connect_error', reject));
    return new ZaqarSocketio(socket);
  }

  /** Emits the event `action` with a payload as given, and waits for its acknowledgement. */
  emit(action: string, payload: unknown): Promise<any> {
    return this.socket.emitWithAck(action, payload);
  }

  call(action: string, headers: Payload, body: Payload = {}): Promise<any> {
    return this.emit(action, { headers, body });
  }

  close(): void {
    this.socket.disconnect();
  }
}
