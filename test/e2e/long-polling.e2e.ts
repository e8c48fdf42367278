import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { Client } from 'pg';
import { POSTGRES_POOL_SIZE } from '../../src/storage/postgres/postgres.schema';
import { BACKENDS, TestBackend } from '../support/backends';
import { BULLMQ, dropJobQueues } from '../support/job-runners';
import { freePort, startServer, StartedServer } from '../support/server';
import { until } from '../support/wait';
import { ZaqarSocket } from '../support/zaqar-socket';
import { ZaqarClient } from './client';

const TERMS = { ttl: 60, grace: 60 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU time the process has used, ms (utime + stime of /proc/PID/stat, in clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Connections open to the database, whoever holds them. */
async function connectionsTo(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()',
    );
    return rows[0].n - 1; // not this one
  } finally {
    await client.end();
  }
}

/**
 * Each store with the channel its processes would share without Redis: PostgreSQL's LISTEN/NOTIFY;
 * the embedded store's processes signal through Redis here (without Redis and a cluster, a lone
 * process only hears its own posts).
 */
describe.each(BACKENDS)('long polling [%s]', (name, makeBackend) => {
  let backend: TestBackend;
  const env: Record<string, string> = name === 'sqlite' ? BULLMQ.env() : {};
  const servers: StartedServer[] = [];
  let api: ZaqarClient;
  let wsPort: number;

  beforeAll(async () => {
    backend = await makeBackend();
    wsPort = await freePort();
    servers.push(await startServer({ storageUrl: backend.url, env: { ...env, WS_PORT: String(wsPort) } }));
    servers.push(await startServer({ storageUrl: backend.url, env: { ...env, WS_PORT: 'off' } }));
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.kill()));
    await dropJobQueues(env);
    await backend?.drop();
  });

  beforeEach(() => {
    api = new ZaqarClient(servers[0].url);
  });

  it('a claim with wait=10 answers within 100 ms of a post made 2 s later through another server process', async () => {
    const claiming = api.post('/v2/queues/jobs/claims', { json: TERMS, query: { wait: 10 } });
    await sleep(2000);
    const postedAt = Date.now();
    await api.on(servers[1].url).postMessages('jobs', [{ body: 'late' }]);
    const claim = await claiming;
    const latency = Date.now() - postedAt;
    expect([claim.status, claim.body.messages.map((m: { body: string }) => m.body)]).toEqual([201, ['late']]);
    expect(latency).toBeLessThan(100);
  });

  it('a list with wait answers once a message is posted elsewhere; with nothing posted, empty at the deadline', async () => {
    const listing = api.get('/v2/queues/feed/messages', { query: { wait: 10, echo: true } });
    await sleep(300);
    await api.on(servers[1].url).postMessages('feed', [{ body: 'news' }]);
    const listed = await listing;
    expect(listed.body.messages.map((m: { body: string }) => m.body)).toEqual(['news']);
    expect(listed.body.links[0].href).toContain('wait=10');

    const started = Date.now();
    const empty = await api.get('/v2/queues/quiet/messages', { query: { wait: 1 } });
    expect([empty.status, empty.body]).toEqual([200, { messages: [], links: [] }]);
    const claimed = await api.post('/v2/queues/quiet/claims', { json: TERMS, query: { wait: 1 } });
    expect(claimed.status).toBe(204);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('a message there already answers at once, and a wait out of 0-20 is a 400', async () => {
    await api.postMessages('ready', [{ body: 1 }]);
    const started = Date.now();
    expect((await api.post('/v2/queues/ready/claims', { json: TERMS, query: { wait: 20 } })).status).toBe(201);
    expect(Date.now() - started).toBeLessThan(1000);
    for (const wait of ['21', '-1', 'soon', '1.5']) {
      const claim = await api.post('/v2/queues/ready/claims', { json: TERMS, query: { wait } });
      const list = await api.get('/v2/queues/ready/messages', { query: { wait } });
      expect([claim.status, list.status]).toEqual([400, 400]);
    }
    const refused = await api.get('/v2/queues/ready/messages', { query: { wait: 21 } });
    expect(refused.body).toEqual({
      title: 'Invalid API request',
      description: 'Wait must be at least 0 and may not be greater than 20 seconds.',
    });
  });

  it('a claimer that gives up holds nothing: the message posted after goes to the next claimer', async () => {
    const giveUp = new AbortController();
    const abandoned = fetch(`${servers[0].url}/v2/queues/given-up/claims?wait=10`, {
      method: 'POST',
      headers: { 'Client-ID': randomUUID(), 'X-Project-ID': api.project, 'Content-Type': 'application/json' },
      body: JSON.stringify(TERMS),
      signal: giveUp.signal,
    }).catch(() => 'aborted');
    await sleep(300);
    giveUp.abort();
    expect(await abandoned).toBe('aborted');
    await sleep(100);
    await api.postMessages('given-up', [{ body: 'for whoever asks next' }]);
    const next = await api.claim('given-up');
    expect(next.messages.map((m) => m.body)).toEqual(['for whoever asks next']);
  });

  it('500 waiting claims hold no connection beyond the pool and no CPU; 500 messages then go one to each', async () => {
    const worker = api.worker();
    const claims = Array.from({ length: 500 }, () =>
      worker.post('/v2/queues/crowd/claims', { json: TERMS, query: { wait: 20, limit: 1 } }),
    );
    await sleep(2000); // every claim has made its first attempt and waits
    const pid = servers[0].process.pid!;
    const cpuBefore = cpuMs(pid);
    await sleep(2000);
    expect(cpuMs(pid) - cpuBefore).toBeLessThan(100); // under 5% of a core while 500 wait
    if (name === 'postgres') {
      // two server processes: each its pool and its LISTEN connection, however many requests wait
      expect(await connectionsTo(backend.url)).toBeLessThanOrEqual(2 * (POSTGRES_POOL_SIZE + 1));
    }
    const poster = api.on(servers[1].url);
    for (let batch = 0; batch < 50; batch++) {
      await poster.postMessages(
        'crowd',
        Array.from({ length: 10 }, (_, i) => ({ body: batch * 10 + i })),
      );
    }
    const answers = await Promise.all(claims);
    expect(answers.map((answer) => answer.status).filter((status) => status !== 201)).toEqual([]);
    const bodies = answers.flatMap((answer) => answer.body.messages.map((m: { body: number }) => m.body));
    expect(bodies.sort((a: number, b: number) => a - b)).toEqual(Array.from({ length: 500 }, (_, n) => n));
  }, 60_000);

  it('over the WebSocket too: claim_create and message_list take a wait', async () => {
    const socket = await ZaqarSocket.open(wsPort);
    try {
      const headers = { 'Client-ID': randomUUID(), 'X-Project-ID': api.project };
      const claiming = socket.call({ action: 'claim_create', headers, body: { queue_name: 'ws', wait: 10, ...TERMS } });
      const listing = socket.call({ action: 'message_list', headers, body: { queue_name: 'ws-feed', wait: 10 } });
      await sleep(500);
      await api.on(servers[1].url).postMessages('ws', [{ body: 'to the socket' }]);
      await api.on(servers[1].url).postMessages('ws-feed', [{ body: 'listed' }]);
      const claim = await claiming;
      expect([claim.headers.status, claim.body.messages[0].body]).toEqual([201, 'to the socket']);
      const list = await listing;
      expect(list.body.messages.map((m: { body: string }) => m.body)).toEqual(['listed']);
      const tooLong = await socket.call({ action: 'claim_create', headers, body: { queue_name: 'ws', wait: 21 } });
      expect([tooLong.headers.status, tooLong.body.error]).toEqual([400, expect.stringContaining('Wait must be')]);
    } finally {
      socket.close();
    }
  });
});

describe('long polling between the workers of one WORKERS=2 server, without Redis', () => {
  let backend: TestBackend;
  let server: StartedServer;

  beforeAll(async () => {
    backend = await BACKENDS[0][1]();
    server = await startServer({ storageUrl: backend.url, env: { WORKERS: '2', WS_PORT: 'off' } });
    await until(() => (server.output().match(/server worker \d+ listening/g)?.length ?? 0) === 2, 15_000);
  });

  afterAll(async () => {
    await server?.kill();
    await backend?.drop();
  });

  it('claims waiting on both workers are answered by posts through either', async () => {
    const api = new ZaqarClient(server.url);
    // separate connections, which the primary hands to its workers in turn
    const claims = Array.from({ length: 8 }, () =>
      api.worker().post('/v2/queues/shared/claims', { json: TERMS, query: { wait: 10, limit: 1 } }),
    );
    await sleep(1000);
    const postedAt = Date.now();
    for (let n = 0; n < 8; n++) await api.worker().postMessages('shared', [{ body: n }]);
    const answers = await Promise.all(claims);
    expect(Date.now() - postedAt).toBeLessThan(2000);
    const bodies = answers.map((answer) => answer.body.messages[0].body as number);
    expect(bodies.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});
