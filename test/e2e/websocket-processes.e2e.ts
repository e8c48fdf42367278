import { randomUUID } from 'node:crypto';
import { BACKENDS, TestBackend } from '../support/backends';
import { BULLMQ, dropJobQueues } from '../support/job-runners';
import { freePort, startServer, StartedServer } from '../support/server';
import { until } from '../support/wait';
import { ZaqarSocket } from '../support/zaqar-socket';
import { ZaqarClient } from './client';

const POSTS = 20;
const project = () => `p-${randomUUID().slice(0, 8)}`;

/** Opens a socket on `wsPort` subscribed to `queue` (the socket as subscriber). */
async function subscribedSocket(wsPort: number, headers: Record<string, string>, queue: string) {
  const socket = await ZaqarSocket.open(wsPort);
  const created = await socket.call({ action: 'subscription_create', headers, body: { queue_name: queue, ttl: 600 } });
  expect(created.headers.status).toBe(201);
  return socket;
}

/** Posts POSTS messages one by one over REST and waits until every socket was pushed all of them. */
async function postAndReceive(
  server: StartedServer,
  headers: Record<string, string>,
  queue: string,
  sockets: ZaqarSocket[],
) {
  const client = new ZaqarClient(server.url, headers['X-Project-ID']);
  for (let n = 0; n < POSTS; n++) {
    const res = await client.request('POST', `/v2/queues/${queue}/messages`, { json: { messages: [{ body: { n } }] } });
    expect(res.status).toBe(201);
  }
  await until(() => sockets.every((socket) => socket.pushes.length >= POSTS), 20_000);
  for (const socket of sockets) {
    const received = socket.pushes.map((push) => (push.body as { n: number }).n).sort((a, b) => a - b);
    expect(received).toEqual(Array.from({ length: POSTS }, (_, n) => n));
  }
}

describe.each(BACKENDS)('socket pushes across server processes [%s]', (_name, makeBackend) => {
  let backend: TestBackend;
  const started: StartedServer[] = [];
  const sockets: ZaqarSocket[] = [];
  const env = BULLMQ.env();

  beforeAll(async () => {
    backend = await makeBackend();
  });

  // The servers of one test share the outbox with the next test's: one left running would lease
  // its deliveries and push them where the next test's sockets are not.
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await Promise.all(started.splice(0).map((server) => server.kill()));
  });

  afterAll(async () => {
    await dropJobQueues(env);
    await backend?.drop();
  });

  const start = async (extra: Record<string, string>) => {
    const wsPort = await freePort();
    const server = await startServer({ storageUrl: backend.url, env: { ...extra, WS_PORT: String(wsPort) } });
    started.push(server);
    return { server, wsPort };
  };

  it('with Redis, a socket on one process is pushed the messages posted through another', async () => {
    const a = await start(env);
    const b = await start(env);
    const headers = { 'Client-ID': randomUUID(), 'X-Project-ID': project() };
    sockets.push(
      await subscribedSocket(a.wsPort, headers, 'across'),
      await subscribedSocket(b.wsPort, headers, 'across'),
    );
    await postAndReceive(b.server, headers, 'across', sockets);
    await postAndReceive(a.server, headers, 'again', [
      await subscribedSocket(b.wsPort, headers, 'again').then((socket) => (sockets.push(socket), socket)),
    ]);
  });

  it('without Redis, WORKERS=2 relays pushes between its workers through the primary', async () => {
    const cluster = await start({ WORKERS: '2' });
    await until(() => (cluster.server.output().match(/server worker \d+ listening/g)?.length ?? 0) === 2, 15_000);
    const headers = { 'Client-ID': randomUUID(), 'X-Project-ID': project() };
    // the primary hands connections to its workers in turn: four sockets land on both
    for (let i = 0; i < 4; i++) sockets.push(await subscribedSocket(cluster.wsPort, headers, 'relayed'));
    await postAndReceive(cluster.server, headers, 'relayed', sockets);
  });
});
