import { randomUUID } from 'node:crypto';
import * as net from 'node:net';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { BACKENDS } from '../support/backends';
import { serversOnFreshStore } from '../support/lifecycle';
import { freePort } from '../support/server';
import { inspectorEnv, mebibytes, ServerMemory } from '../support/server-memory';
import { sleep, until } from '../support/wait';
import { ZaqarSocketio } from '../support/zaqar-socketio';
import { ZaqarClient } from './client';

const HEADERS_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 2_000;
const KEEP_ALIVE_TIMEOUT_MS = 1_500;
const PING_MS = 300;
/** Node looks for expired requests once a second; a timeout fires up to that much late. */
const CHECK_MS = 1_000;

/** A raw TCP connection to the server: what it wrote back, and when it closed. */
class RawConnection {
  private received = '';
  private readonly opened = Date.now();
  /** Milliseconds from connecting until the server closed the connection. */
  readonly closedAfter: Promise<number>;

  private constructor(readonly socket: net.Socket) {
    socket.setEncoding('latin1').on('data', (chunk: string) => (this.received += chunk));
    socket.on('error', () => undefined); // a reset shows as the close below
    this.closedAfter = new Promise((resolve) => socket.once('close', () => resolve(Date.now() - this.opened)));
  }

  static async open(port: number): Promise<RawConnection> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawConnection(socket);
  }

  get text(): string {
    return this.received;
  }

  /** How many answers have arrived so far (each begins with its status line). */
  get answers(): number {
    return this.received.split('HTTP/1.1 ').length - 1;
  }

  close(): void {
    this.socket.destroy();
  }
}

const headerLines = (project: string) =>
  `Host: test\r\nX-Project-ID: ${project}\r\nClient-ID: ${randomUUID()}\r\nContent-Type: application/json\r\n`;

function request(method: string, path: string, project: string, body = ''): string {
  return `${method} ${path} HTTP/1.1\r\n${headerLines(project)}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

describe.each(BACKENDS)('slow and abusive clients [%s]', (_name, makeBackend) => {
  const inspectorPort = { value: 0 };
  const env: Record<string, string> = {
    HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_TIMEOUT_MS),
    SOCKET_PING_INTERVAL_MS: String(PING_MS),
  };
  beforeAll(async () => {
    env.WS_PORT = String(await freePort());
    inspectorPort.value = await freePort();
    Object.assign(env, inspectorEnv(inspectorPort.value));
  });
  const run = serversOnFreshStore(makeBackend, 1, env);
  const port = () => run.server.port;
  let project: string;
  let api: ZaqarClient;
  beforeEach(() => {
    project = `abuse-${randomUUID().slice(0, 8)}`;
    api = new ZaqarClient(run.server.url, project);
  });

  describe('timeouts', () => {
    it('a connection that sends nothing is answered 408 and closed after the headers timeout', async () => {
      const connection = await RawConnection.open(port());
      const closedAfter = await connection.closedAfter;
      expect(closedAfter).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
      expect(closedAfter).toBeLessThan(HEADERS_TIMEOUT_MS + CHECK_MS + 500);
      expect(connection.text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
      expect(connection.text).toContain(
        '{"title":"Request timeout","description":"The request did not arrive in time."}',
      );
    });

    it('headers sent a line at a time, slower than the headers timeout allows, get 408 and the connection closed', async () => {
      const connection = await RawConnection.open(port());
      connection.socket.write(`GET /v2/queues HTTP/1.1\r\nHost: test\r\n`);
      const trickle = setInterval(() => connection.socket.write(`X-Slow-${Date.now()}: 1\r\n`), 200);
      try {
        const closedAfter = await connection.closedAfter;
        expect(closedAfter).toBeLessThan(HEADERS_TIMEOUT_MS + CHECK_MS + 500);
        expect(connection.text).toMatch(/^HTTP\/1\.1 408 /);
      } finally {
        clearInterval(trickle);
      }
    });

    it('a body sent a byte at a time, past the request timeout, gets 408; nothing of it is stored', async () => {
      const connection = await RawConnection.open(port());
      const body = JSON.stringify({ messages: [{ body: 'slow' }] });
      const head = request('POST', '/v2/queues/slow/messages', project, body).slice(0, -body.length);
      connection.socket.write(head);
      let sent = 0;
      const trickle = setInterval(() => sent < body.length - 1 && connection.socket.write(body[sent++]), 100);
      try {
        const closedAfter = await connection.closedAfter;
        expect(closedAfter).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
        expect(closedAfter).toBeLessThan(REQUEST_TIMEOUT_MS + CHECK_MS + 500);
        expect(connection.text).toMatch(/^HTTP\/1\.1 408 /);
      } finally {
        clearInterval(trickle);
      }
      expect((await api.get('/v2/queues/slow/stats')).body.messages.total).toBe(0);
    });

    it('a long poll waits past the request timeout: the timeout counts the request, not its answer', async () => {
      await api.createQueue('polled');
      const started = Date.now();
      const claim = api.post('/v2/queues/polled/claims?wait=6', { json: { ttl: 60 } });
      await sleep(REQUEST_TIMEOUT_MS + CHECK_MS);
      await api.postMessages('polled', [{ body: 'late' }]);
      const res = await claim;
      expect(res.status).toBe(201);
      expect(res.body.messages.map((m: { body: unknown }) => m.body)).toEqual(['late']);
      expect(Date.now() - started).toBeGreaterThan(REQUEST_TIMEOUT_MS + CHECK_MS);
    });

    it('an idle keep-alive connection is closed after the keep-alive timeout; one in use is kept', async () => {
      const idle = await RawConnection.open(port());
      const busy = await RawConnection.open(port());
      idle.socket.write(request('GET', '/v2/queues', project));
      for (let i = 0; i < 6; i++) {
        busy.socket.write(request('GET', '/v2/queues', project));
        await sleep(KEEP_ALIVE_TIMEOUT_MS / 3);
      }
      expect(busy.answers).toBe(6);
      const closedAfter = await idle.closedAfter;
      expect(closedAfter).toBeGreaterThanOrEqual(KEEP_ALIVE_TIMEOUT_MS);
      expect(idle.answers).toBe(1);
      expect(busy.socket.destroyed).toBe(false);
      busy.close();
    });
  });

  describe('pipelining', () => {
    it('a connection runs 256 of its pipelined requests at a time, in order, and other connections are served meanwhile', async () => {
      await api.createQueue('empty');
      const polls = 600;
      const connection = await RawConnection.open(port());
      const started = Date.now();
      connection.socket.write(request('POST', '/v2/queues/empty/claims?wait=1', project, '{"ttl":60}').repeat(polls));
      await until(() => connection.answers >= 1, 5_000);
      const firstWave = Date.now() - started;
      // a request of another connection while the waves run is not queued behind them
      const asideStarted = Date.now();
      expect((await api.get('/v2/queues')).status).toBe(200);
      expect(Date.now() - asideStarted).toBeLessThan(500);
      await until(() => connection.answers === polls, 15_000);
      const allWaves = Date.now() - started;
      // 600 polls of 1 s, 256 at a time: three waves, where starting them all at once takes one
      expect(firstWave).toBeGreaterThanOrEqual(950);
      expect(allWaves).toBeGreaterThanOrEqual(2_900);
      expect(connection.text.match(/^HTTP\/1\.1 \d+/gm)).toEqual(Array(polls).fill('HTTP/1.1 204'));
      connection.close();
    });

    it('a client that pipelines without reading is not read further: its answers stay bounded in the server', async () => {
      const body = 'x'.repeat(10_000);
      await api.postMessages(
        'heavy',
        Array.from({ length: 10 }, () => ({ body })),
      );
      const memory = await ServerMemory.attach(inspectorPort.value, run.server.process.pid!);
      try {
        const before = await memory.read();
        const connection = await RawConnection.open(port());
        connection.socket.pause(); // reads nothing of what comes back
        // each answer is about 100 kB: 20,000 of them would be 2 GB
        const list = request('GET', '/v2/queues/heavy/messages?limit=10&echo=true', project);
        let written = 0;
        while (written < 20_000 && connection.socket.writableLength < 4 * 1024 * 1024) {
          connection.socket.write(list.repeat(100));
          written += 100;
          await sleep(1);
        }
        await sleep(1_000);
        const during = await memory.read();
        expect((await api.get('/v2/queues')).status).toBe(200);
        connection.close();
        const growth = during.residentBytes - before.residentBytes;
        process.stdout.write(`pipelining unread [${_name}]: ${written} requests sent, RSS grew ${mebibytes(growth)}\n`);
        expect([mebibytes(growth), growth < 100 * 1024 * 1024]).toEqual([mebibytes(growth), true]);
      } finally {
        memory.close();
      }
    });
  });

  describe('10,000 idle connections, on a server with the default timeouts', () => {
    const IDLE = 10_000;
    const idleEnv: Record<string, string> = {};
    const idleInspector = { value: 0 };
    beforeAll(async () => {
      idleInspector.value = await freePort();
      Object.assign(idleEnv, inspectorEnv(idleInspector.value));
    });
    const idleRun = serversOnFreshStore(makeBackend, 1, idleEnv);

    /** Median of `count` requests in a row over one keep-alive connection, ms. */
    async function medianLatency(client: ZaqarClient, count = 40): Promise<number> {
      const times: number[] = [];
      for (let i = 0; i < count; i++) {
        const started = performance.now();
        expect((await client.get('/v2/queues')).status).toBe(200);
        times.push(performance.now() - started);
      }
      return times.sort((a, b) => a - b)[Math.floor(count / 2)];
    }

    it('cost a few kB each, and another client keeps its latency', async () => {
      const server = idleRun.server;
      const other = new ZaqarClient(server.url, project);
      const memory = await ServerMemory.attach(idleInspector.value, server.process.pid!);
      const idle: RawConnection[] = [];
      try {
        const quietLatency = await medianLatency(other);
        const before = await memory.read();
        while (idle.length < IDLE) {
          const batch = await Promise.all(Array.from({ length: 250 }, () => RawConnection.open(server.port)));
          for (const connection of batch) connection.socket.write(request('GET', '/v2/queues', project));
          await until(() => batch.every((connection) => connection.answers === 1), 20_000);
          idle.push(...batch);
        }
        const during = await memory.read();
        const busyLatency = await medianLatency(other);
        const perConnection = (bytes: number) => `${(bytes / IDLE / 1024).toFixed(1)} kB`;
        const rss = during.residentBytes - before.residentBytes;
        const heap = during.heapUsedBytes - before.heapUsedBytes;
        process.stdout.write(
          `idle connections [${_name}]: ${IDLE} open, RSS ${perConnection(rss)} and heap ${perConnection(heap)} each; ` +
            `another client's median ${quietLatency.toFixed(1)} ms before, ${busyLatency.toFixed(1)} ms during\n`,
        );
        expect(during.openFiles - before.openFiles).toBeGreaterThanOrEqual(IDLE);
        expect(rss / IDLE).toBeLessThan(16 * 1024);
        expect(busyLatency).toBeLessThan(Math.max(3 * quietLatency, 20));
      } finally {
        idle.forEach((connection) => connection.close());
        memory.close();
      }
    });
  });

  describe('socket pings', () => {
    it('a WebSocket client that answers no ping is dropped within two ping periods; one that answers stays', async () => {
      const url = `ws://127.0.0.1:${env.WS_PORT}/`;
      const silent = new WebSocket(url, { autoPong: false });
      const answering = new WebSocket(url);
      await Promise.all([silent, answering].map((socket) => new Promise((resolve) => socket.once('open', resolve))));
      const opened = Date.now();
      const closed = await new Promise<number>((resolve) => silent.once('close', (code) => resolve(code)));
      expect(closed).toBe(1006);
      expect(Date.now() - opened).toBeLessThan(2 * PING_MS + 300);
      await sleep(3 * PING_MS);
      expect(answering.readyState).toBe(WebSocket.OPEN);
      answering.close();
    });

    it('a Socket.IO client that answers no ping is dropped within two ping periods; one that answers stays', async () => {
      const answering = await ZaqarSocketio.open(port());
      const silent = new WebSocket(`ws://127.0.0.1:${port()}/socket.io/?EIO=4&transport=websocket`);
      const frames: string[] = [];
      silent.on('message', (data) => frames.push(data.toString()));
      await new Promise((resolve) => silent.once('open', resolve));
      const opened = Date.now();
      silent.send('40'); // joins the default namespace, then never answers the pings ("2") with "3"
      await new Promise((resolve) => silent.once('close', resolve));
      expect(frames).toContain('2');
      expect(Date.now() - opened).toBeLessThan(2 * PING_MS + 500);
      await sleep(3 * PING_MS);
      expect(answering.socket.connected).toBe(true);
      answering.close();
    });
  });
});
