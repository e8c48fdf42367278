import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { type FuzzJson, jsonText, plainValue, resolved } from './json-text';
import type { Known } from './known';
import type { SocketioCase, WebsocketCase } from './socket-cases';

/** What became of one socket request: an answer, the server closing the connection, or nothing in time. */
export type SocketOutcome =
  | { kind: 'answer'; answer: any; others?: any[] }
  | { kind: 'closed'; detail: string }
  | { kind: 'timeout' }
  | { kind: 'refused'; detail: string }
  | { kind: 'unsent' };

/** The largest frame or payload the server reads (4 × the post size), and what it reads before refusing unread. */
export const MAX_REQUEST_BYTES = 1_048_576;

const settle = <T>(promise: Promise<T>, timeoutMs: number, onTimeout: T): Promise<T> => {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((resolve) => (timer = setTimeout(() => resolve(onTimeout), timeoutMs))),
  ]).finally(() => clearTimeout(timer));
};

/** One connection to Zaqar's WebSocket port at a time, opened again after the server closes one. */
export class WebsocketDriver {
  private socket?: WebSocket;
  private waiting?: (outcome: SocketOutcome) => void;
  /** Notifications of socket subscriptions, counted and dropped. */
  pushes = 0;

  constructor(
    private readonly port: number,
    private readonly timeoutMs: number,
  ) {}

  private async connection(): Promise<WebSocket | string> {
    if (this.socket?.readyState === WebSocket.OPEN) return this.socket;
    const socket = new WebSocket(`ws://127.0.0.1:${this.port}/`);
    const opened = await settle(
      new Promise<string | undefined>((resolve) =>
        socket.once('open', () => resolve(undefined)).once('error', (e) => resolve(e.message)),
      ),
      this.timeoutMs,
      'no open in time',
    );
    if (opened !== undefined) {
      socket.terminate();
      return opened;
    }
    socket.on('message', (data: Buffer) => {
      let frame: any;
      try {
        frame = JSON.parse(data.toString('utf8'));
      } catch {
        frame = { unparsable: data.toString('utf8').slice(0, 200) };
      }
      if (frame && typeof frame === 'object' && !('request' in frame) && !('unparsable' in frame)) {
        this.pushes++;
        return;
      }
      this.take({ kind: 'answer', answer: frame });
    });
    socket.on('close', (code, reason) => this.take({ kind: 'closed', detail: `${code} ${reason.toString()}` }));
    socket.on('error', () => undefined);
    this.socket = socket;
    return socket;
  }

  private take(outcome: SocketOutcome): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.(outcome);
  }

  async send(c: WebsocketCase, known: Known): Promise<SocketOutcome> {
    const socket = await this.connection();
    if (typeof socket === 'string') return { kind: 'refused', detail: socket };
    let data: string | Buffer;
    let binary = false;
    if ('frame' in c) data = jsonText(resolved(c.frame, known));
    else {
      binary = c.raw.binary;
      data = c.raw.size ? 'a'.repeat(c.raw.size) : c.raw.bytes ? Buffer.from(c.raw.bytes) : c.raw.text!;
    }
    const answered = new Promise<SocketOutcome>((resolve) => (this.waiting = resolve));
    socket.send(data, { binary });
    const outcome = await settle(answered, this.timeoutMs, { kind: 'timeout' });
    if (outcome.kind === 'timeout') {
      // a late answer must not be taken for the next request's
      this.waiting = undefined;
      socket.terminate();
    }
    return outcome;
  }

  close(): void {
    this.socket?.terminate();
  }
}

/** Frame bytes of a request, for the size the server may refuse it at. */
export function frameBytes(c: WebsocketCase, known: Known): number {
  if ('frame' in c) return Buffer.byteLength(jsonText(resolved(c.frame, known)));
  return c.raw.size ?? c.raw.bytes?.length ?? Buffer.byteLength(c.raw.text ?? '');
}

/** Zaqar's headers for the probe that shows a raw Socket.IO connection still answers. */
export interface ProbeCaller {
  clientId: string;
  project: string;
}

const PROBE_ACK = 987654;
/** The acknowledgement id of an event this driver writes itself. */
const EVENT_ACK = 4242;

/** One Socket.IO client connection at a time, and raw engine.io sockets for packets no client sends. */
export class SocketioDriver {
  private socket?: Socket;
  private disconnected?: Promise<SocketOutcome>;

  constructor(
    private readonly port: number,
    private readonly timeoutMs: number,
    private readonly caller: ProbeCaller,
  ) {}

  private async connection(): Promise<Socket | string> {
    if (this.socket?.connected) return this.socket;
    this.socket?.close();
    const socket = io(`http://127.0.0.1:${this.port}`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: this.timeoutMs,
    });
    const failed = await settle(
      new Promise<string | undefined>((resolve) =>
        socket.once('connect', () => resolve(undefined)).once('connect_error', (e) => resolve(e.message)),
      ),
      this.timeoutMs,
      'no connect in time',
    );
    if (failed !== undefined) {
      socket.close();
      return failed;
    }
    this.disconnected = new Promise((resolve) =>
      socket.once('disconnect', (reason) => resolve({ kind: 'closed', detail: reason })),
    );
    this.socket = socket;
    return socket;
  }

  /** The bytes of the payload the server reads, as near as JSON text tells. */
  payloadBytes(c: SocketioCase, known: Known): number {
    if ('packet' in c) return c.packet.length;
    return Buffer.byteLength(
      jsonText([typeof c.event === 'string' ? c.event : c.event, ...c.args.map((a) => resolved(a, known))] as FuzzJson),
    );
  }

  async send(c: SocketioCase, known: Known): Promise<SocketOutcome> {
    if ('packet' in c) return this.sendPacket(c.packet);
    const socket = await this.connection();
    if (typeof socket === 'string') return { kind: 'refused', detail: socket };
    const args = c.args.map((a) => plainValue(resolved(a, known)));
    if (c.attachment) args.push(Buffer.from([0, 1, 2, 0xff]));
    const event = c.event as string;
    const reply: Promise<SocketOutcome | Error> = (
      c.ack
        ? socket.emitWithAck(event, ...args).then((answer) => ({ kind: 'answer' as const, answer }))
        : new Promise<SocketOutcome>((resolve) => {
            socket.once('response', (answer) => resolve({ kind: 'answer', answer }));
            socket.emit(event, ...args);
          })
    ).catch((error: Error) => error);
    const outcome = await settle(Promise.race([reply, this.disconnected!]), this.timeoutMs, {
      kind: 'timeout',
    } as SocketOutcome);
    if (outcome instanceof RangeError) {
      // nested deeper than the client library can walk: the packet is written here instead
      const packet = `42${EVENT_ACK}${jsonText([event, ...c.args.map((a) => resolved(a, known))])}`;
      return this.sendPacket(packet, EVENT_ACK);
    }
    // the client refuses reserved event names before anything is sent
    if (outcome instanceof Error) return { kind: 'unsent' };
    if (outcome.kind === 'timeout') socket.close();
    return outcome;
  }

  /**
   * A packet on a fresh engine.io socket, then an acknowledged ping_node: answered (with the
   * packet's own acknowledgement, when it asks for one), or the connection closed.
   */
  private sendPacket(packet: string | number[], ackOf?: number): Promise<SocketOutcome> {
    const probe = `42${PROBE_ACK}${JSON.stringify(['ping_node', { headers: { 'Client-ID': this.caller.clientId, 'X-Project-ID': this.caller.project } }])}`;
    const socket = new WebSocket(`ws://127.0.0.1:${this.port}/socket.io/?EIO=4&transport=websocket`);
    const acks = new Map<number, any>();
    const outcome = new Promise<SocketOutcome>((resolve) => {
      let opened = false;
      socket.on('message', (data: Buffer) => {
        const text = data.toString('utf8');
        if (text.startsWith('0')) socket.send('40');
        else if (text.startsWith('40') && !opened) {
          opened = true;
          socket.send(typeof packet === 'string' ? packet : Buffer.from(packet), {
            binary: typeof packet !== 'string',
          });
          socket.send(probe);
        } else if (text === '2') socket.send('3');
        else if (text.startsWith('43')) {
          const ack = /^43(\d+)(.*)$/s.exec(text);
          if (ack) acks.set(Number(ack[1]), JSON.parse(ack[2])[0]);
          if (acks.has(PROBE_ACK) && (ackOf === undefined || acks.has(ackOf))) {
            const answer = acks.get(ackOf ?? PROBE_ACK);
            resolve({ kind: 'answer', answer, others: [...acks.values()].filter((other) => other !== answer) });
          }
        }
      });
      socket.on('close', (code) => resolve({ kind: 'closed', detail: String(code) }));
      socket.on('error', (error) =>
        resolve(opened ? { kind: 'closed', detail: error.message } : { kind: 'refused', detail: error.message }),
      );
    });
    return settle(outcome, this.timeoutMs, { kind: 'timeout' } as SocketOutcome).finally(() => socket.terminate());
  }

  close(): void {
    this.socket?.close();
  }
}
