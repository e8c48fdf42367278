import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a webhook receiver got. */
export interface ReceivedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
  /** What the receiver answered. */
  status: number;
}

/**
 * A real HTTP server on 127.0.0.1 that records every request and answers with the status that
 * `answer` picks (200 unless told otherwise).
 */
export class WebhookReceiver {
  readonly received: ReceivedRequest[] = [];
  answer: (request: ReceivedRequest) => number = () => 200;
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        at: Date.now(),
        status: 0,
      };
      request.status = this.answer(request);
      this.received.push(request);
      res.writeHead(request.status).end();
    });
  });

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** Requests to one path. */
  at(path: string): ReceivedRequest[] {
    return this.received.filter((r) => r.path === path);
  }

  /** Waits until `count` requests reached `path` (and passed `accept`), or fails after `timeoutMs`. */
  async waitFor(
    path: string,
    count: number,
    timeoutMs = 10_000,
    accept: (request: ReceivedRequest) => boolean = () => true,
  ): Promise<ReceivedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    const matching = () => this.at(path).filter(accept);
    while (matching().length < count) {
      if (Date.now() > deadline) throw new Error(`${path} got ${matching().length} of ${count} requests`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return matching();
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
