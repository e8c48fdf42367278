import { type OnGatewayConnection, WebSocketGateway } from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { MAX_IN_FLIGHT, MAX_UNREAD_BYTES } from '../common/connection-limits';
import { SocketSession } from '../websocket/socket-session';
import { requestOf, type ZaqarResponse } from '../websocket/zaqar-frame';
import { ZaqarProtocol } from '../websocket/zaqar-protocol';
import { unsentBytes } from './unsent-bytes';

type Ack = (answer: ZaqarResponse) => void;

/**
 * Zaqar's socket protocol as Socket.IO events: every event is the action of its name, with a
 * `{headers, body}` payload, answered through the client's acknowledgement callback.
 */
@WebSocketGateway()
export class ZaqarSocketioGateway implements OnGatewayConnection {
  constructor(private readonly protocol: ZaqarProtocol) {}

  handleConnection(socket: Socket): void {
    const unsent = unsentBytes(socket.conn);
    const send = (deliver: () => void) => {
      // Discarding the transport: a plain disconnect would wait for the unread packets to drain.
      if (unsent() > MAX_UNREAD_BYTES) return socket.conn.close(true);
      deliver();
    };
    // Socket.IO has no close codes: a session Zaqar closes (its token expired) is simply disconnected.
    const session = new SocketSession(
      (notification) => send(() => socket.emit('notification', notification)),
      () => socket.disconnect(true),
    );
    this.protocol.opened(session);
    socket.once('disconnect', () => void this.protocol.closed(session));
    let inFlight = 0;
    // Every event, not only the actions ZaqarProtocol knows: an unknown one gets Zaqar's 400.
    socket.onAny(async (action: string, ...args: unknown[]) => {
      if (++inFlight > MAX_IN_FLIGHT) return socket.disconnect(true);
      const ack = typeof args.at(-1) === 'function' ? (args.pop() as Ack) : undefined;
      const { request, wellFormed } = requestOf(action, args[0]);
      const answer = await this.protocol.answer(session, request, wellFormed);
      inFlight--;
      // An event sent without an acknowledgement callback is answered with a `response` event.
      send(() => (ack ? ack(answer) : socket.emit('response', answer)));
    });
  }
}
