import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DueDelivery } from '../storage/storage.contract';
import { sendWebhook, type WebhookOptions } from './webhook.sender';

/** A loopback server whose handler each test sets; it tells when a response of its closes early. */
class Receiver {
  handle: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) => res.end();
  requests = 0;
  readonly server = http.createServer((req, res) => {
    this.requests++;
    req.resume();
    req.on('end', () => this.handle(req, res));
  });

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const delivery = (subscriber: string): DueDelivery => ({
  id: '1',
  ref: { project: 'p', queue: 'q' },
  subscriptionId: 's',
  kind: 'notification',
  message: { ttl: 60, body: { n: 1 } },
  attempts: 0,
  posted: 0,
  subscriber,
  options: {},
  secret: 'key',
  queueMetadata: {},
});

const options: WebhookOptions = { connectMs: 1000, responseMs: 500, guard: false };

describe('sendWebhook against a real receiver', () => {
  let receiver: Receiver;

  beforeEach(async () => {
    receiver = await new Receiver().start();
  });
  afterEach(() => receiver.stop());

  it.each([
    [200, { kind: 'delivered' }],
    [204, { kind: 'delivered' }],
    [408, { kind: 'retry', reason: 'HTTP 408' }],
    [429, { kind: 'retry', reason: 'HTTP 429' }],
    [503, { kind: 'retry', reason: 'HTTP 503' }],
    [302, { kind: 'rejected', reason: 'HTTP 302' }],
    [404, { kind: 'rejected', reason: 'HTTP 404' }],
  ])('answers %i → %o', async (status, outcome) => {
    receiver.handle = (_req, res) => res.writeHead(status).end();
    await expect(sendWebhook(delivery(receiver.url), options, Date.now())).resolves.toEqual(outcome);
  });

  it('a receiver that never answers is retried once the response timeout passes', async () => {
    receiver.handle = () => undefined;
    const started = Date.now();
    const outcome = await sendWebhook(delivery(receiver.url), options, started);
    expect(outcome).toEqual({ kind: 'retry', reason: 'no answer within 500 ms' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reads at most 64 KiB of an endless answer, then drops the connection', async () => {
    let written = 0;
    const closed = new Promise<void>((resolve) => {
      receiver.handle = (_req, res) => {
        res.writeHead(200);
        const chunk = Buffer.alloc(16 * 1024);
        const pump = () => {
          while (written < 64 * 1024 * 1024 && res.write(chunk)) written += chunk.length;
        };
        res.on('drain', pump);
        res.on('close', () => resolve());
        pump();
      };
    });
    await expect(sendWebhook(delivery(receiver.url), options, Date.now())).resolves.toEqual({ kind: 'delivered' });
    await closed;
    expect(written).toBeLessThan(16 * 1024 * 1024);
  });

  it('a refused connection is retried with the network error', async () => {
    const url = receiver.url;
    await receiver.stop();
    const outcome = await sendWebhook(delivery(url), options, Date.now());
    expect(outcome).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/ECONNREFUSED/) });
    receiver = await new Receiver().start();
  });

  it('with the guard on, a loopback target is refused for good and gets no request', async () => {
    const outcome = await sendWebhook(delivery(receiver.url), { ...options, guard: true }, Date.now());
    expect(outcome).toEqual({ kind: 'rejected', reason: 'the target 127.0.0.1 is not allowed' });
    expect(receiver.requests).toBe(0);
  });

  it('a trust+ subscriber is posted at the URL behind the prefix', async () => {
    await expect(sendWebhook(delivery(`trust+${receiver.url}`), options, Date.now())).resolves.toEqual({
      kind: 'delivered',
    });
    expect(receiver.requests).toBe(1);
  });
});
