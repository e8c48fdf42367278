/**
 * One persistent WebSocket speaking Zaqar's JSON protocol, one request in flight at a time (as an
 * HTTP/1.1 keep-alive connection carries one): the load generator's counterpart of HttpConnection.
 */
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import type { LatencyRecord, LoadConnection } from './load';

export interface SocketAnswer {
  status: number;
  /** The parsed answer's body, only when the request asked for it. */
  body: unknown;
}

interface Pending {
  resolve(answer: SocketAnswer): void;
  reject(err: Error): void;
  wantBody: boolean;
  startedAt: number;
}

/** Every answer starts so; a frame that does not is a subscription's push (the notification itself). */
const ANSWER = '{"request":';
const STATUS = '"status":';

/** A request frame as the protocol wants it, serialised once: `{action, headers, body}`. */
export function requestFrame(action: string, headers: Record<string, string>, body: Record<string, unknown>): string {
  return JSON.stringify({ action, headers, body });
}

export class SocketConnection implements LoadConnection {
  private socket: WebSocket | null = null;
  private opened: Promise<WebSocket> | null = null;
  private pending: Pending | null = null;
  requestLatency: LatencyRecord | null = null;

  /** `onPush` gets each pushed frame's text and the time it arrived. */
  constructor(
    private readonly url: string,
    private readonly onPush?: (frame: string, at: number) => void,
  ) {}

  get startedAt(): number | null {
    return this.pending ? this.pending.startedAt : null;
  }

  /** Sends one frame and resolves with its answer; the socket opens on the first request. */
  request(frame: string, wantBody = false): Promise<SocketAnswer> {
    return new Promise<SocketAnswer>((resolve, reject) => {
      const pending: Pending = { resolve, reject, wantBody, startedAt: performance.now() };
      this.pending = pending;
      const send = (socket: WebSocket) => {
        if (this.pending === pending) socket.send(frame);
      };
      if (this.socket?.readyState === WebSocket.OPEN) send(this.socket);
      else this.open().then(send, (err: Error) => this.fail(err));
    });
  }

  abort(reason: string): void {
    this.fail(new Error(reason));
  }

  close(): void {
    this.socket?.terminate();
    this.socket = null;
    this.opened = null;
  }

  private open(): Promise<WebSocket> {
    if (this.opened) return this.opened;
    const socket = new WebSocket(this.url, { perMessageDeflate: false });
    this.socket = socket;
    socket.on('message', (data: Buffer) => this.onFrame(data.toString()));
    socket.on('error', (err) => {
      if (this.socket === socket) this.fail(err);
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.opened = null;
      this.fail(new Error('socket closed before the answer came'));
    });
    this.opened = new Promise<WebSocket>((resolve, reject) => {
      socket.once('open', () => resolve(socket));
      socket.once('close', () => reject(new Error(`${this.url} closed before it opened`)));
    });
    return this.opened;
  }

  private onFrame(text: string): void {
    if (!text.startsWith(ANSWER)) {
      this.onPush?.(text, performance.timeOrigin + performance.now());
      return;
    }
    const p = this.pending;
    if (!p) {
      this.fail(new Error('an answer came with no request in flight'));
      return;
    }
    this.pending = null;
    this.requestLatency?.add(performance.now() - p.startedAt);
    // `headers: {status}` comes last in every answer: read it without parsing the echoed request
    const status = Number(text.slice(text.lastIndexOf(STATUS) + STATUS.length, -2));
    p.resolve({ status, body: p.wantBody ? (JSON.parse(text) as { body: unknown }).body : null });
  }

  private fail(err: Error): void {
    const p = this.pending;
    this.pending = null;
    this.close();
    p?.reject(err);
  }
}
