import { randomUUID } from 'node:crypto';
import { BACKENDS, TestBackend } from '../support/backends';
import { startServer, StartedServer } from '../support/server';
import { Caller, noauth, zaqarError } from './auth-support';

/**
 * Projects are walls: project B, knowing every name, id and href of project A, can neither see
 * nor change anything of A's. To B, A's queues, messages and claims simply do not exist, so B gets
 * the answers Zaqar gives for missing resources (404, 204, empty lists), never A's data.
 */
describe.each(BACKENDS)('project isolation [%s]', (_name, makeBackend) => {
  let backend: TestBackend;
  let server: StartedServer;
  const clientId = randomUUID(); // one Client-ID for both projects: isolation must not rest on it
  const projectA = `iso-a-${randomUUID()}`;
  const projectB = `iso-b-${randomUUID()}`;
  let a: Caller;
  let b: Caller;
  /** A's six messages in `orders`, oldest first; the first two are held by A's claim. */
  let ids: string[];
  let hrefs: string[];
  let claimId: string;

  const ORDERS = '/v2/queues/orders';

  beforeAll(async () => {
    backend = await makeBackend();
    server = await startServer({ storageUrl: backend.url, env: { SIGNED_URL_SECRET_KEY: 'isolation-secret' } });
    a = new Caller(server.url, { ...noauth(projectA), 'Client-ID': clientId });
    b = new Caller(server.url, { ...noauth(projectB), 'Client-ID': clientId });
    await a.createQueue('orders', { owner: 'A', level: 3 });
    ids = await a.postMessages(
      'orders',
      [0, 1, 2, 3, 4, 5].map((n) => ({ n })),
    );
    const claimed = await a.post('/v2/queues/orders/claims?limit=2', { ttl: 300, grace: 60 });
    expect(claimed.status).toBe(201);
    claimId = claimed.headers.get('location')!.split('/').pop()!;
    const claimedHrefs = new Map<string, string>(claimed.body.messages.map((m: any) => [m.id, m.href]));
    hrefs = ids.map((id) => claimedHrefs.get(id) ?? `${ORDERS}/messages/${id}`);
    await a.createQueue('archive', { owner: 'A' });
    await a.postMessages('archive', ['kept', 'also kept']);
  });

  afterAll(async () => {
    await server?.kill();
    await backend?.drop();
  });

  /** Everything of A's exactly as beforeAll left it. */
  async function expectAIntact(): Promise<void> {
    const [queues, metadata, stats, archiveStats, messages, claim, archive] = await Promise.all([
      a.get('/v2/queues?detailed=true'),
      a.get(ORDERS),
      a.get(`${ORDERS}/stats`),
      a.get('/v2/queues/archive/stats'),
      a.get(`${ORDERS}/messages?ids=${ids.join(',')}`),
      a.get(`${ORDERS}/claims/${claimId}`),
      a.get('/v2/queues/archive/messages?echo=true'),
    ]);
    expect(queues.body.queues.map((queue: any) => [queue.name, queue.metadata])).toEqual([
      ['archive', expect.objectContaining({ owner: 'A' })],
      ['orders', expect.objectContaining({ owner: 'A', level: 3 })],
    ]);
    expect(metadata.body).toMatchObject({ owner: 'A', level: 3 });
    expect(stats.body.messages).toMatchObject({ claimed: 2, free: 4, total: 6 });
    expect(archiveStats.body.messages).toMatchObject({ claimed: 0, free: 2, total: 2 });
    const byId = new Map(messages.body.messages.map((m: any) => [m.id, m.body]));
    expect(ids.map((id) => byId.get(id))).toEqual([0, 1, 2, 3, 4, 5].map((n) => ({ n })));
    expect([claim.status, claim.body.ttl, claim.body.messages.map((m: any) => m.id)]).toEqual([
      200,
      300,
      ids.slice(0, 2),
    ]);
    expect(archive.body.messages.map((m: any) => m.body)).toEqual(['kept', 'also kept']);
  }

  it("B's queue list holds none of A's queues, plain or detailed", async () => {
    for (const query of ['', '?detailed=true', '?limit=20&marker=archive']) {
      const res = await b.get(`/v2/queues${query}`);
      expect([res.status, res.body.queues]).toEqual([200, []]);
    }
  });

  it("B reads none of A's queue metadata, stats, messages or claims, by name, id or href", async () => {
    const metadata = await b.get(ORDERS);
    expect(metadata.status).toBe(200);
    expect(metadata.body).not.toHaveProperty('owner'); // only the reserved defaults of a queue B does not have
    expect(metadata.body).not.toHaveProperty('level');

    const stats = await b.get(`${ORDERS}/stats`);
    expect([stats.status, stats.body]).toEqual([200, { messages: { claimed: 0, free: 0, total: 0 } }]);

    const listed = await b.get(`${ORDERS}/messages?echo=true&include_claimed=true`);
    expect([listed.status, listed.body.messages]).toEqual([200, []]);

    for (const href of hrefs) {
      const res = await b.get(href);
      expect([res.status, res.body.title]).toEqual([404, 'Not found']);
      expect(res.text).not.toContain('"body"');
    }
    const byIds = await b.get(`${ORDERS}/messages?ids=${ids.join(',')}`);
    expect([byIds.status, byIds.body.title]).toEqual([404, 'Not found']);

    const claim = await b.get(`${ORDERS}/claims/${claimId}`);
    expect([claim.status, claim.body]).toEqual([
      404,
      zaqarError('Not found', `Claim ${claimId} does not exist in queue orders for project ${projectB}`),
    ]);
  });

  it("B's claim on A's queue name finds nothing to claim (204)", async () => {
    const res = await b.post(`${ORDERS}/claims?limit=10`, { ttl: 60, grace: 60 });
    expect([res.status, res.text]).toEqual([204, '']);
    await expectAIntact();
  });

  it("B deleting A's messages one by one, with and without A's claim id, deletes nothing", async () => {
    for (const href of hrefs) expect((await b.delete(href)).status).toBe(204);
    for (const id of ids) expect((await b.delete(`${ORDERS}/messages/${id}`)).status).toBe(204);
    await expectAIntact();
  });

  it("B deleting A's messages by ids or popping them deletes nothing", async () => {
    expect((await b.delete(`${ORDERS}/messages?ids=${ids.join(',')}`)).status).toBe(204);
    const popped = await b.delete(`${ORDERS}/messages?pop=5`);
    expect([popped.status, popped.body]).toEqual([200, { messages: [] }]);
    await expectAIntact();
  });

  it("B cannot renew or release A's claim", async () => {
    const renewed = await b.request('PATCH', `${ORDERS}/claims/${claimId}`, { ttl: 900, grace: 60 });
    expect([renewed.status, renewed.body]).toEqual([
      404,
      zaqarError('Not found', `Claim ${claimId} does not exist in queue orders for project ${projectB}`),
    ]);
    expect((await b.delete(`${ORDERS}/claims/${claimId}`)).status).toBe(204);
    await expectAIntact();
  });

  it("B purging A's queue name purges nothing of A's", async () => {
    const res = await b.post(`${ORDERS}/purge`, { resource_types: ['messages', 'subscriptions'] });
    expect(res.status).toBe(204);
    await expectAIntact();
  });

  it("B cannot patch A's queue metadata", async () => {
    const res = await b.patchQueue('orders', [{ op: 'replace', path: '/metadata/owner', value: 'B' }]);
    expect([res.status, res.body]).toEqual([
      404,
      zaqarError('Not found', `Queue orders does not exist for project ${projectB}`),
    ]);
    await expectAIntact();
  });

  it("B deleting A's queue names deletes nothing of A's", async () => {
    expect((await b.delete(ORDERS)).status).toBe(204);
    expect((await b.delete('/v2/queues/archive')).status).toBe(204);
    await expectAIntact();
  });

  it('a queue of the same name in each project: each sees and deletes only its own', async () => {
    expect((await b.put(ORDERS, { owner: 'B' })).status).toBe(201); // 201, not 204: B had no such queue
    await b.postMessages('orders', ['from B']);

    const seenByB = await b.get(`${ORDERS}/messages?echo=true&include_claimed=true`);
    expect(seenByB.body.messages.map((m: any) => m.body)).toEqual(['from B']);
    expect((await b.get(`${ORDERS}/stats`)).body.messages).toMatchObject({ claimed: 0, free: 1, total: 1 });
    expect((await b.get(ORDERS)).body.owner).toBe('B');
    const claimedByB = await b.post(`${ORDERS}/claims`, { ttl: 60, grace: 60 });
    expect(claimedByB.body.messages.map((m: any) => m.body)).toEqual(['from B']);
    // A's ids through B's queue of the same name: not found, not deleted (the reference's Redis driver
    // finds a message by id through any project's queue of that name; we deliberately do not)
    for (const href of hrefs) expect([href, (await b.get(href)).status]).toEqual([href, 404]);
    expect((await b.get(`${ORDERS}/messages?ids=${ids.join(',')}`)).status).toBe(404);
    for (const href of hrefs) expect((await b.delete(href)).status).toBe(204);
    expect((await b.delete(`${ORDERS}/messages?ids=${ids.join(',')}`)).status).toBe(204);
    expect((await b.get(`${ORDERS}/claims/${claimId}`)).status).toBe(404);
    expect((await b.request('PATCH', `${ORDERS}/claims/${claimId}`, { ttl: 900 })).status).toBe(404);
    expect((await b.delete(`${ORDERS}/claims/${claimId}`)).status).toBe(204);
    await expectAIntact();

    expect((await b.delete(ORDERS)).status).toBe(204);
    expect((await b.get('/v2/queues')).body.queues).toEqual([]);
    await expectAIntact();
  });

  it("a URL B signs for A's queue name is B's: it opens nothing of A's", async () => {
    const shared = await b.post(`${ORDERS}/share`, { paths: ['messages'], methods: ['GET', 'DELETE'] });
    expect(shared.body.project).toBe(projectB);
    const signed = {
      'URL-Signature': shared.body.signature,
      'URL-Expires': shared.body.expires,
      'URL-Methods': shared.body.methods.join(','),
      'URL-Paths': shared.body.paths.join(','),
    };
    const guest = new Caller(server.url, { 'Client-ID': clientId, ...signed });
    const asB = await guest.get(`${ORDERS}/messages?echo=true&include_claimed=true`, { 'X-Project-ID': projectB });
    expect([asB.status, asB.body.messages]).toEqual([200, []]);
    // the signature covers project B; naming A instead breaks it, as Zaqar answers every bad signature
    for (const [method, target] of [
      ['GET', `${ORDERS}/messages?echo=true`],
      ['DELETE', `${ORDERS}/messages?ids=${ids.join(',')}`],
    ]) {
      const asA = await guest.request(method, target, undefined, { 'X-Project-ID': projectA });
      expect([asA.status, asA.body.title]).toEqual([404, 'Not found']);
    }
    await expectAIntact();
  });

  it("projects whose ids differ from A's only by case, a character or a wildcard see nothing of A's", async () => {
    const lookalikes = [
      projectA.toUpperCase(),
      projectA.slice(0, -1),
      `${projectA}x`,
      `${projectA.slice(0, 6)}%`,
      '_'.repeat(projectA.length),
    ];
    for (const project of lookalikes) {
      const other = new Caller(server.url, { ...noauth(project), 'Client-ID': clientId });
      const [queues, messages, stats] = await Promise.all([
        other.get('/v2/queues'),
        other.get(`${ORDERS}/messages?echo=true&include_claimed=true`),
        other.get(`${ORDERS}/stats`),
      ]);
      expect([project, queues.status, queues.body.queues]).toEqual([project, 200, []]);
      expect([project, messages.status, messages.body.messages]).toEqual([project, 200, []]);
      expect([project, stats.body.messages]).toEqual([project, { claimed: 0, free: 0, total: 0 }]);
      expect([project, (await other.get(hrefs[3])).status]).toEqual([project, 404]);
    }
    await expectAIntact();
  });
});
