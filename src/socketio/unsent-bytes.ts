import type { Socket } from 'socket.io';

type Packet = { data?: string | Buffer };

/**
 * How many bytes of a connection's packets wait for its transport. Engine.io hands the transport
 * one batch at a time, so while a client does not read, its answers pile up here.
 */
export function unsentBytes(connection: Socket['conn']): () => number {
  let bytes = 0;
  const size = (packet: Packet) => packet.data?.length ?? 0;
  connection.on('packetCreate', (packet: Packet) => (bytes += size(packet)));
  connection.on('flush', (packets: Packet[]) => packets.forEach((packet) => (bytes -= size(packet))));
  return () => bytes;
}
