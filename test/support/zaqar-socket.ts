import WebSocket from 'ws';

export type Frame = Record<string, unknown>;

/**
 * One socket to a server's Zaqar protocol port: requests answered in order, and the notifications
 * its socket subscriptions push (frames without the response envelope) kept apart.
 */
export class ZaqarSocket {
  private readonly answers: unknown[] = [];
  private readonly waiting: Array<(answer: unknown) => void> = [];
  readonly pushes: Frame[] = [];
  readonly closed: Promise<number>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (!('request' in frame)) {
        this.pushes.push(frame);
        return;
      }
      const next = this.waiting.shift();
      if (next) next(frame);
      else this.answers.push(frame);
    });
    this.closed = new Promise((resolve) => socket.on('close', (code) => resolve(code)));
  }

  static async open(port: number): Promise<ZaqarSocket> {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/`);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    return new ZaqarSocket(socket);
  }

  next(): Promise<any> {
    if (this.answers.length) return Promise.resolve(this.answers.shift());
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Sends raw data (a frame as given) and waits for its answer. */
  async raw(data: string | Buffer, binary = false): Promise<any> {
    this.socket.send(data, { binary });
    return this.next();
  }

  call(frame: Frame): Promise<any> {
    return this.raw(JSON.stringify(frame));
  }

  close(): void {
    this.socket.close();
  }
}
