import { BACKENDS, postgresBackend, sqliteBackend, TestBackend } from '../support/backends';
import { startServer, StartedServer } from '../support/server';
import { messagesIn, queuesIn } from '../support/store-sql';
import { TcpProxy } from '../support/tcp-proxy';
import { until } from '../support/wait';
import { RequestOptions, ZaqarClient } from './client';

const ADMIN = { 'X-Roles': 'admin' };

/** A client whose every request carries the admin role. */
function asAdmin(client: ZaqarClient) {
  const withRole = (options: RequestOptions = {}): RequestOptions => ({
    ...options,
    headers: { ...ADMIN, ...options.headers },
  });
  return {
    put: (path: string, options?: RequestOptions) => client.put(path, withRole(options)),
    patch: (path: string, options?: RequestOptions) => client.patch(path, withRole(options)),
    delete: (path: string, options?: RequestOptions) => client.delete(path, withRole(options)),
  };
}

/** A status without the client's refusal of 5xx: what a test of an outage must see. */
async function statusOf(client: ZaqarClient, method: string, path: string, json?: unknown): Promise<number> {
  const res = await fetch(new URL(path, client.baseUrl), {
    method,
    headers: { 'X-Project-ID': client.project, 'Client-ID': client.clientId, 'Content-Type': 'application/json' },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  await res.arrayBuffer();
  return res.status;
}

describe.each(BACKENDS)('pooling with a %s management store', (_name, makeManagement) => {
  let management: TestBackend;
  let heavy: TestBackend;
  let light: TestBackend;
  let lite: TestBackend;
  const extra: TestBackend[] = [];
  let server: StartedServer;
  let client: ZaqarClient;
  let admin: ReturnType<typeof asAdmin>;

  const addPool = async (name: string, document: Record<string, unknown>) => {
    const res = await admin.put(`/v2/pools/${name}`, { json: document });
    expect(res.status).toBe(201);
  };

  beforeAll(async () => {
    management = await makeManagement();
    [heavy, light, lite] = [await postgresBackend(), await postgresBackend(), await sqliteBackend()];
    server = await startServer({ storageUrl: management.url, env: { POOLING: 'on' } });
    client = new ZaqarClient(server.url);
    admin = asAdmin(client);
    await addPool('heavy', { uri: heavy.url, weight: 3 });
    await addPool('light', { uri: light.url, weight: 1 });
  });

  afterAll(async () => {
    await server?.kill();
    await Promise.all([management, heavy, light, lite, ...extra].map((backend) => backend?.drop()));
  });

  it('places new queues by weight: about 3:1 over 200 queues, each in its pool database', async () => {
    const names = Array.from({ length: 200 }, (_, i) => `q${String(i).padStart(3, '0')}`);
    for (let i = 0; i < names.length; i += 20) {
      await Promise.all(names.slice(i, i + 20).map((name) => client.createQueue(name)));
    }
    const onHeavy = await queuesIn(heavy, client.project);
    const onLight = await queuesIn(light, client.project);
    expect(onHeavy + onLight).toBe(200);
    expect(await queuesIn(management, client.project)).toBe(0);
    // binomial(200, 0.75): mean 150, sd 6.1; ±25 is four standard deviations
    expect(onHeavy).toBeGreaterThan(125);
    expect(onHeavy).toBeLessThan(175);
  });

  it('lists queues across pools in name order, and markers page through all of them once', async () => {
    const seen: string[] = [];
    let path = '/v2/queues?limit=7';
    for (;;) {
      const page = await client.get(path);
      expect(page.status).toBe(200);
      if (!page.body.queues.length) break;
      seen.push(...page.body.queues.map((queue: { name: string }) => queue.name));
      path = page.body.links.find((link: { rel: string }) => link.rel === 'next').href;
    }
    expect(seen).toHaveLength(200);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(200);
  });

  it("keeps a queue's messages, claims and stats on its pool", async () => {
    const ids = await client.postMessages('q000', [
      { body: { n: 1 }, ttl: 300 },
      { body: { n: 2 }, ttl: 300 },
    ]);
    const [home, other] = (await messagesIn(heavy, client.project, 'q000')) ? [heavy, light] : [light, heavy];
    expect(await messagesIn(home, client.project, 'q000')).toBe(2);
    expect(await messagesIn(other, client.project, 'q000')).toBe(0);
    const claim = await client.claim('q000', { ttl: 60, grace: 60 });
    expect(claim.messages.map((message) => message.body.n)).toEqual([1, 2]);
    const stats = await client.get('/v2/queues/q000/stats');
    expect(stats.body.messages).toMatchObject({ claimed: 2, free: 0, total: 2 });
    const deleted = await client.delete(`/v2/queues/q000/messages?ids=${ids.join(',')}`);
    expect(deleted.status).toBe(204);
    expect(await messagesIn(home, client.project, 'q000')).toBe(0);
  });

  it('pins queues of a flavor to its pools, and refuses a flavor that does not exist', async () => {
    await addPool('lite', { uri: lite.url, weight: 1 });
    expect((await admin.put('/v2/flavors/embedded', { json: { pool_list: ['lite'] } })).status).toBe(201);
    const names = Array.from({ length: 10 }, (_, i) => `embedded-${i}`);
    await Promise.all(names.map((name) => client.createQueue(name, { _flavor: 'embedded' })));
    await client.postMessages('embedded-0', [{ body: 'here', ttl: 300 }]);
    expect(await queuesIn(lite, client.project)).toBe(10);
    expect(await messagesIn(lite, client.project, 'embedded-0')).toBe(1);

    const unknown = await client.put('/v2/queues/nowhere', { json: { _flavor: 'nope' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ title: 'Invalid API request', description: 'Flavor nope does not exist' });
  });

  it('refuses to move a queue with a metadata change of flavor, and moves one created again', async () => {
    expect((await admin.put('/v2/flavors/big', { json: { pool_list: ['heavy'] } })).status).toBe(201);
    const moved = await client.patch('/v2/queues/embedded-1', {
      json: [{ op: 'replace', path: '/metadata/_flavor', value: 'big' }],
      headers: { 'Content-Type': 'application/openstack-messaging-v2.0-json-patch' },
    });
    expect(moved.status).toBe(409);
    expect(moved.body.description).toContain('a queue does not move between pools');

    expect((await client.delete('/v2/queues/embedded-2')).status).toBe(204);
    await client.createQueue('embedded-2', { _flavor: 'big' });
    await client.postMessages('embedded-2', [{ body: 'moved', ttl: 300 }]);
    expect(await messagesIn(heavy, client.project, 'embedded-2')).toBe(1);
    expect(await messagesIn(lite, client.project, 'embedded-2')).toBe(0);
  });

  it('refuses a dead letter queue on another pool than its queue', async () => {
    await client.createQueue('source', { _flavor: 'embedded', _max_claim_count: 1, _dead_letter_queue: 'graveyard' });
    await client.createQueue('graveyard', { _flavor: 'big' });
    await client.postMessages('source', [{ body: 1, ttl: 300 }]);
    const claim = await client.post('/v2/queues/source/claims', { json: { ttl: 60, grace: 60 } });
    expect(claim.status).toBe(409);
    expect(claim.body.description).toContain('messages move only within one pool');
  });

  it('refuses to delete a pool that holds queues (409), and deletes it once they are gone', async () => {
    const spare = await postgresBackend();
    extra.push(spare);
    await addPool('spare', { uri: spare.url, weight: 0, flavor: 'spare' });
    expect((await admin.put('/v2/flavors/spare', { json: { pool_list: ['spare'] } })).status).toBe(201);
    // a pool of weight 0 takes no queue, not even of its flavor
    expect(await statusOf(client, 'PUT', '/v2/queues/on-spare', { _flavor: 'spare' })).toBe(503);
    expect((await admin.patch('/v2/pools/spare', { json: { weight: 1 } })).status).toBe(200);
    await client.createQueue('on-spare', { _flavor: 'spare' });

    const refused = await admin.delete('/v2/pools/spare');
    expect(refused.status).toBe(409);
    expect(refused.body.description).toContain(`${client.project}/on-spare`);

    expect((await client.delete('/v2/queues/on-spare')).status).toBe(204);
    expect((await admin.delete('/v2/pools/spare')).status).toBe(204);
    expect((await client.get('/v2/pools/spare', { headers: ADMIN })).status).toBe(404);
  });

  it('answers 503 for the queues of an unreachable pool only, and recovers without a restart', async () => {
    const far = await postgresBackend();
    extra.push(far);
    const farUrl = new URL(far.url);
    const proxy = await TcpProxy.start({ host: farUrl.hostname, port: Number(farUrl.port || 5432) });
    try {
      farUrl.port = String(proxy.port);
      // weight 1 only while its one queue is made, so that no other queue goes there
      await addPool('far', { uri: farUrl.toString(), weight: 1, flavor: 'far' });
      const farAway = client.otherProject();
      // flavors belong to a project: the queue's
      expect((await asAdmin(farAway).put('/v2/flavors/far', { json: { pool_list: ['far'] } })).status).toBe(201);
      await farAway.createQueue('remote', { _flavor: 'far' });
      expect((await admin.patch('/v2/pools/far', { json: { weight: 0 } })).status).toBe(200);
      await farAway.postMessages('remote', [{ body: 'kept', ttl: 600 }]);

      await proxy.cut();
      expect(await statusOf(farAway, 'GET', '/v2/queues/remote/messages?echo=true')).toBe(503);
      expect(await statusOf(farAway, 'POST', '/v2/queues/remote/messages', { messages: [{ body: 'x' }] })).toBe(503);
      // the other pools keep working, for this project's other queues and for other projects
      await farAway.postMessages('local', [{ body: 'fine', ttl: 60 }]);
      expect((await client.get('/v2/queues/q001/stats')).status).toBe(200);
      await client.postMessages('q001', [{ body: 'still', ttl: 60 }]);
      // listing visits only the pools that hold the project's queues
      expect((await client.get('/v2/queues')).status).toBe(200);
      expect(await statusOf(farAway, 'GET', '/v2/queues')).toBe(503);

      await proxy.restore();
      await until(async () => (await statusOf(farAway, 'GET', '/v2/queues/remote/stats')) === 200, 15_000);
      const listed = await farAway.get('/v2/queues/remote/messages?echo=true');
      expect(listed.body.messages.map((message: { body: unknown }) => message.body)).toEqual(['kept']);
    } finally {
      await proxy.stop();
    }
  });

  it('serves a new pool at once on a second process, and a queue moved since within the poll interval', async () => {
    const second = await startServer({ storageUrl: management.url, env: { POOLING: 'on' } });
    try {
      const late = await sqliteBackend();
      extra.push(late);
      await addPool('late', { uri: late.url, weight: 1, flavor: 'late' });
      expect((await admin.put('/v2/flavors/late', { json: { pool_list: ['late'] } })).status).toBe(201);
      const there = client.on(second.url);
      await there.createQueue('latecomer', { _flavor: 'late' });
      await there.postMessages('latecomer', [{ body: 'on late', ttl: 60 }]);
      expect(await messagesIn(late, there.project, 'latecomer')).toBe(1);

      // the second process has the queue's pool cached; the first moves the queue, created again
      const listed = async () =>
        (await there.get('/v2/queues/latecomer/messages?echo=true')).body?.messages?.map(
          (m: { body: unknown }) => m.body,
        );
      expect(await listed()).toEqual(['on late']);
      expect((await client.delete('/v2/queues/latecomer')).status).toBe(204);
      await client.createQueue('latecomer', { _flavor: 'big' });
      await client.postMessages('latecomer', [{ body: 'on heavy', ttl: 60 }]);
      const moved = Date.now();
      await until(async () => JSON.stringify(await listed()) === JSON.stringify(['on heavy']), 5000);
      expect(Date.now() - moved).toBeLessThan(2500);
    } finally {
      await second.kill();
    }
  });
});

describe('pooling turned on over a store that already holds queues', () => {
  let management: TestBackend;
  let pool: TestBackend;

  beforeAll(async () => {
    [management, pool] = [await sqliteBackend(), await postgresBackend()];
  });

  afterAll(async () => {
    await Promise.all([management, pool].map((backend) => backend?.drop()));
  });

  it('keeps those queues and their messages in the management store', async () => {
    const before = await startServer({ storageUrl: management.url });
    const client = new ZaqarClient(before.url);
    await client.postMessages('old', [{ body: 'from before', ttl: 600 }]);
    await before.kill();

    const after = await startServer({ storageUrl: management.url, env: { POOLING: 'on' } });
    try {
      const again = client.on(after.url);
      expect((await asAdmin(again).put('/v2/pools/new', { json: { uri: pool.url, weight: 1 } })).status).toBe(201);
      await again.postMessages('old', [{ body: 'from after', ttl: 600 }]);
      await again.postMessages('fresh', [{ body: 'new queue', ttl: 600 }]);
      const listed = await again.get('/v2/queues/old/messages?echo=true');
      expect(listed.body.messages.map((message: { body: unknown }) => message.body)).toEqual([
        'from before',
        'from after',
      ]);
      expect(await messagesIn(management, client.project, 'old')).toBe(2);
      expect(await messagesIn(pool, client.project, 'fresh')).toBe(1);
      const names = (await again.get('/v2/queues')).body.queues.map((queue: { name: string }) => queue.name);
      expect(names).toEqual(['fresh', 'old']);
    } finally {
      await after.kill();
    }
  });
});
