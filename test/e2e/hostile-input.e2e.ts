import { randomUUID } from 'node:crypto';
import * as net from 'node:net';
import WebSocket from 'ws';
import { BACKENDS } from '../support/backends';
import { type Answer, send, type WireRequest } from '../support/fuzz/http-send';
import { serversOnFreshStore } from '../support/lifecycle';
import { freePort } from '../support/server';
import { ZaqarSocket } from '../support/zaqar-socket';

/**
 * What the fuzzing suite (fuzz.e2e.ts) found, each as one exact request: the answers Zaqar's error
 * body promises where the server once crashed, answered 503, or let Node or Fastify answer in words
 * of their own.
 */
const nested = (depth: number, leaf = '1') => '['.repeat(depth) + leaf + ']'.repeat(depth);
const parse = (answer: Answer) => JSON.parse(answer.body.toString('utf8'));

describe.each(BACKENDS)('hostile input the fuzzer found [%s]', (_name, makeBackend) => {
  const env: Record<string, string> = {};
  beforeAll(async () => {
    env.WS_PORT = String(await freePort());
  });
  const servers = serversOnFreshStore(makeBackend, 1, env);
  const headers = { 'X-Project-ID': `hostile-${randomUUID()}`, 'Client-ID': randomUUID() };
  const frameHeaders = { 'Client-ID': headers['Client-ID'], 'X-Project-ID': headers['X-Project-ID'] };

  /** One request as given, over fetch or, where fetch cannot carry it, a raw socket. */
  const request = async (method: string, target: string, options: Partial<WireRequest> = {}): Promise<Answer> => {
    const wire: WireRequest = { method, target, headers: Object.entries(headers), framing: 'plain', ...options };
    const outcome = await send(wire, servers.server.port, 10_000);
    if (outcome.kind !== 'answer') throw new Error(`${method} ${target}: ${JSON.stringify(outcome)}`);
    return outcome.answer;
  };

  const storageErrors = async () => {
    const metrics = await request('GET', '/metrics', { headers: [...Object.entries(headers), ['X-Roles', 'admin']] });
    return Number(/^zaqar_storage_errors_total (\S+)$/m.exec(metrics.body.toString())?.[1]);
  };

  it('answers a WebSocket frame nested 100,000 levels deep with 400, and lives on (it used to crash writing the echo)', async () => {
    const ws = await ZaqarSocket.open(Number(env.WS_PORT));
    try {
      const deep = `{"action": "message_post", "headers": ${JSON.stringify(frameHeaders)}, "body": {"queue_name": "q", "messages": [{"body": ${nested(100_000)}}]}}`;
      expect(await ws.raw(deep)).toEqual({
        request: { action: 'message_post', headers: {}, body: {}, api: 'v2' },
        body: { error: 'Schema validation failed.' },
        headers: { status: 400 },
      });
      expect((await ws.call({ action: 'ping_node', headers: frameHeaders })).headers.status).toBe(204);
    } finally {
      ws.close();
    }
  });

  it('answers such a Socket.IO event with 400 too, its acknowledgement carrying no echo of it', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${servers.server.port}/socket.io/?EIO=4&transport=websocket`);
    const packets: string[] = [];
    socket.on('message', (data: Buffer) => {
      const text = data.toString();
      if (text.startsWith('0')) socket.send('40');
      else if (text.startsWith('40')) {
        socket.send(
          `421${JSON.stringify(['queue_list', { headers: frameHeaders, body: {} }]).replace(/}\]$/, `, "deep": ${nested(100_000)}}]`)}`,
        );
        socket.send(`422${JSON.stringify(['ping_node', { headers: frameHeaders }])}`);
      } else packets.push(text);
    });
    try {
      await new Promise<void>((resolve) => socket.on('message', () => packets.length === 2 && resolve()));
      expect(packets.map((p) => [p.slice(0, 3), JSON.parse(p.slice(3))[0].headers.status])).toEqual([
        ['431', 400],
        ['432', 204],
      ]);
    } finally {
      socket.terminate();
    }
  });

  it('refuses a message body nested deeper than 1,000 levels with 400 (it was a 503), and keeps one of 990', async () => {
    const post = (depth: number) =>
      request('POST', '/v2/queues/deep/messages', {
        headers: [...Object.entries(headers), ['Content-Type', 'application/json']],
        body: Buffer.from(`{"messages": [{"body": ${nested(depth)}}]}`),
      });
    const refused = await post(5_000);
    expect([refused.status, parse(refused)]).toEqual([
      400,
      { title: 'Invalid request body', description: 'Request body could not be parsed.' },
    ]);
    const kept = await post(990);
    expect(kept.status).toBe(201);
    const listed = await request('GET', '/v2/queues/deep/messages?echo=true');
    expect(JSON.stringify(parse(listed).messages[0].body)).toBe(nested(990));
  });

  it('takes a subscription whose options have a key named constructor (it was a 503)', async () => {
    const created = await request('POST', '/v2/queues/q/subscriptions', {
      headers: [...Object.entries(headers), ['Content-Type', 'application/json']],
      body: Buffer.from('{"subscriber": "http://127.0.0.1:9/hook", "options": {"constructor": [], "__proto__": {}}}'),
    });
    expect([created.status, Object.keys(parse(created))]).toEqual([201, ['subscription_id', 'signing_secret']]);
    const shown = await request('GET', `/v2/queues/q/subscriptions/${parse(created).subscription_id}`);
    expect(Object.keys(parse(shown).options)).toEqual(['constructor', '__proto__']);
  });

  it('answers a GET whose large body it never reads, on a closing connection, in full (the unread body reset it)', async () => {
    const body = `{${Array.from({ length: 80_000 }, (_, k) => `"k${k}":1`).join(',')}}`;
    const head =
      `GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Project-ID: ${headers['X-Project-ID']}\r\n` +
      `Client-ID: ${headers['Client-ID']}\r\nX-Roles: admin\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
    for (let i = 0; i < 40; i++) {
      const answer = await new Promise<string>((resolve) => {
        const socket = net.connect(servers.server.port, '127.0.0.1');
        let received = '';
        socket.on('data', (chunk) => (received += chunk.toString('latin1')));
        socket.on('error', () => undefined);
        socket.on('close', () => resolve(received));
        socket.write(head);
        socket.write(body);
      });
      const [, text] = answer.split('\r\n\r\n');
      expect(answer).toMatch(/^HTTP\/1\.1 200 /);
      expect(Buffer.byteLength(text ?? '', 'latin1')).toBe(Number(/content-length: (\d+)/i.exec(answer)?.[1]));
    }
  });

  it('keeps subscription options holding a NUL and a lone surrogate as sent (PostgreSQL jsonb answered 503)', async () => {
    const options = '{"nul": "a\\u0000b", "surrogate": "\\ud800"}';
    const created = await request('POST', '/v2/queues/q/subscriptions', {
      headers: [...Object.entries(headers), ['Content-Type', 'application/json']],
      body: Buffer.from(`{"subscriber": "http://127.0.0.1:9/options", "options": ${options}}`),
    });
    expect(created.status).toBe(201);
    const shown = await request('GET', `/v2/queues/q/subscriptions/${parse(created).subscription_id}`);
    expect(parse(shown).options).toEqual({ nul: 'a\u0000b', surrogate: '\ud800' });
  });

  it.each([
    ['a malformed percent-encoding', 'GET', '/v2/queues/%zz', {}, 400, 'Malformed request'],
    [
      'headers over 16 KiB',
      'GET',
      '/v2/queues',
      { headers: [['X-Big', 'b'.repeat(17_000)]] },
      431,
      'Request header fields too large',
    ],
    [
      'a chunk size that is no number',
      'POST',
      '/v2/queues/q/messages',
      { framing: 'bad-chunked', body: Buffer.from('{}') },
      400,
      'Malformed request',
    ],
    ['CONNECT, which Node would drop unanswered', 'CONNECT', '/v2/queues', {}, 405, '405 Method Not Allowed'],
    [
      'an Expect other than 100-continue, which Node would answer with no body',
      'GET',
      '/v2/queues',
      { headers: [['Expect', 'nothing']] },
      417,
      'Expectation failed',
    ],
    [
      'a queue name of 101 characters, which Fastify answered 414',
      'PUT',
      `/v2/queues/${'a'.repeat(101)}`,
      {},
      400,
      'Invalid queue identification',
    ],
  ] as Array<[string, string, string, Partial<WireRequest>, number, string]>)(
    "answers %s in Zaqar's error body",
    async (_what, method, target, options, status, title) => {
      const answer = await request(method, target, {
        ...options,
        headers: [...Object.entries(headers), ...(options.headers ?? [])],
      });
      expect([answer.status, parse(answer)]).toEqual([status, { title, description: expect.any(String) }]);
    },
  );

  it('counts a client that leaves before its body ends as no storage error', async () => {
    const before = await storageErrors();
    const cut = await send(
      {
        method: 'POST',
        target: '/v2/queues/q/messages',
        headers: Object.entries(headers),
        body: Buffer.from('{"messages": [{"body": 1}]}'),
        framing: 'cut-short',
      },
      servers.server.port,
      10_000,
    );
    expect(cut.kind === 'answer' ? cut.answer.status : cut.kind).toBe(400);
    // the handler hears of the abort as the connection closes, about when the 400 goes out
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await storageErrors()).toBe(before);
  });
});
