import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { MAX_IN_FLIGHT, MAX_UNREAD_BYTES } from './connection-limits';

/**
 * Node's HTTP server stops reading a connection while `_paused` is set (its own flow control for
 * answers nobody reads) and its parser stops with it; holding a connection sets the same flag, so
 * the server's own resumes (a body being read, a drain) leave it held.
 */
type HttpSocket = Socket & { _paused?: boolean; parser?: { pause(): void; resume(): void } | null; [TURNS]?: Turns };

const TURNS = Symbol('pipelined turns');

interface Turns {
  running: number;
  waiting: Array<[IncomingMessage, ServerResponse]>;
  held: boolean;
}

/**
 * Node starts every pipelined request as soon as it is parsed, so one connection could start
 * thousands at once and have their answers pile up unread. This runs at most MAX_IN_FLIGHT of a
 * connection's requests at a time, none while MAX_UNREAD_BYTES of its answers are unread, and
 * reads no more of the connection while requests wait.
 */
export function pipelinedTurns(handler: RequestListener): RequestListener {
  const run = (socket: HttpSocket, turns: Turns, request: IncomingMessage, response: ServerResponse) => {
    turns.running++;
    response.once('close', () => {
      turns.running--;
      startWaiting(socket, turns);
    });
    handler(request, response);
  };

  const startWaiting = (socket: HttpSocket, turns: Turns) => {
    if (socket.destroyed) return void (turns.waiting.length = 0); // nobody is left to answer
    while (turns.waiting.length > 0 && mayStart(socket, turns)) run(socket, turns, ...turns.waiting.shift()!);
    if (turns.waiting.length === 0) release(socket, turns);
    else if (turns.running === 0) socket.once('drain', () => startWaiting(socket, turns));
  };

  return (request, response) => {
    const socket = request.socket as HttpSocket;
    const turns = (socket[TURNS] ??= { running: 0, waiting: [], held: false });
    if (turns.waiting.length === 0 && mayStart(socket, turns)) return run(socket, turns, request, response);
    turns.waiting.push([request, response]);
    hold(socket, turns);
  };
}

function mayStart(socket: HttpSocket, turns: Turns): boolean {
  return turns.running < MAX_IN_FLIGHT && socket.writableLength < MAX_UNREAD_BYTES;
}

function hold(socket: HttpSocket, turns: Turns): void {
  if (turns.held) return;
  turns.held = true;
  socket._paused = true;
  socket.pause();
}

/** Reads again, unless the server holds the connection for its own reason (answers unread). */
function release(socket: HttpSocket, turns: Turns): void {
  if (!turns.held) return;
  turns.held = false;
  if (socket.writableNeedDrain) return; // the server's drain handler resumes it
  socket._paused = false;
  socket.parser?.resume();
  socket.resume();
}
