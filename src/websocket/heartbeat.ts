import type { WebSocket, WebSocketServer } from 'ws';

/**
 * Pings every client each period and drops one that has not answered the previous ping: a peer
 * gone without a close (a dead host, a dropped NAT mapping) would otherwise hold its session, and
 * its subscriptions, for good. One timer for the whole server.
 */
export function startHeartbeat(server: WebSocketServer, periodMs: number): () => void {
  const answered = new WeakSet<WebSocket>();
  server.on('connection', (socket) => {
    answered.add(socket);
    socket.on('pong', () => answered.add(socket));
  });
  const timer = setInterval(() => {
    for (const socket of server.clients) {
      if (!answered.delete(socket)) socket.terminate();
      else socket.ping();
    }
  }, periodMs);
  timer.unref();
  return () => clearInterval(timer);
}
