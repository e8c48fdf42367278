import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** How long a closing connection goes on reading what its client still sends. */
const LINGER_MS = 5_000;

/**
 * A connection closed while its client is still sending (a body nobody read) is reset by the
 * kernel, and the client may lose the answer it was already sent. So, as nginx's lingering close
 * does, a connection Node closes after an answer ends our side and drops what still comes until
 * the client ends its side or LINGER_MS pass. Set once per connection: nothing runs per request.
 */
export function lingerOnClose(server: Server): void {
  server.on('connection', (socket: Socket) => {
    socket.destroySoon = () => closeLingering(socket);
  });
}

/** Ends our side of `socket` now, and closes it once the client has ended its side too (or after LINGER_MS). */
export function closeLingering(socket: Socket): void {
  const close = () => socket.destroy();
  socket.end();
  if (socket.readableEnded) {
    if (socket.writableFinished) close();
    else socket.once('finish', close);
    return;
  }
  socket.resume(); // what still comes is dropped, not buffered
  socket.once('end', close);
  setTimeout(close, LINGER_MS).unref();
}
