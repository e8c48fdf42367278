import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { BACKENDS } from '../support/backends';
import { serversOnFreshStore } from '../support/lifecycle';
import { runToExit } from '../support/server';
import { JSON_PATCH, ZaqarClient } from './client';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';

/** API v1.1 on, and reading claims kept for admins: v1.1 requests meet the same policy as v2's. */
function v1_1Env(): Record<string, string> {
  const policy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'v1-1-policy-')), 'policy.json');
  fs.writeFileSync(policy, JSON.stringify({ 'claims:get': 'role:admin' }));
  return { ENABLE_DEPRECATED_API_VERSIONS: '1.1', POLICY_FILE: policy };
}

describe.each(BACKENDS)('API v1.1 [%s]', (_name, makeBackend) => {
  const running = serversOnFreshStore(makeBackend, 1, v1_1Env());
  let api: ZaqarClient;

  beforeEach(() => {
    api = new ZaqarClient(running.server.url);
  });

  it('python-zaqarclient on v1.1 posts, lists, claims, deletes with the claim, reads stats, pops and deletes', async () => {
    const queue = `v11-${randomUUID().slice(0, 8)}`;
    const script = path.join(__dirname, 'zaqarclient', 'drive_v1_1.py');
    const { stdout } = await run(PYTHON, [script, running.server.url, `p-${randomUUID()}`, queue], {
      timeout: 60_000,
    });
    expect(JSON.parse(stdout)).toEqual({
      queues: [queue],
      listed: [0, 1, 2, 3, 4].map((n) => ({ n })),
      hrefs: [`/v1.1/queues/${queue}/messages`],
      claimed: [0, 1, 2].map((n) => ({ n })),
      stats: { claimed: 0, free: 2, total: 2 },
      popped: [{ n: 3 }],
      after_delete: 0,
      queues_after_delete: [],
    });
  });

  it('the versions document lists 1.1, and /v1.1/ answers its own home document', async () => {
    const versions = await fetch(`${running.server.url}/`);
    expect(versions.status).toBe(300);
    const ids = ((await versions.json()) as { versions: Array<{ id: string; status: string }> }).versions;
    expect(ids.map((v) => [v.id, v.status])).toEqual([
      ['1.1', 'DEPRECATED'],
      ['2', 'CURRENT'],
    ]);
    const home = await api.get('/v1.1/');
    expect([home.status, home.headers.get('content-type')]).toEqual([200, 'application/json-home']);
    const rels = JSON.parse(home.text).resources;
    expect(rels['rel/queues']['href-template']).toBe('/v1.1/queues{?marker,limit,detailed}');
    expect(rels['rel/queue'].hints.allow).toEqual(['PUT', 'DELETE']);
    expect(Object.keys(rels)).not.toContain('rel/queue_share');
  });

  it('serves the queues v2 serves: metadata as stored in v1.1, with reserved defaults in v2', async () => {
    const created = await api.put('/v1.1/queues/shared', { json: { colour: 'blue' } });
    expect([created.status, created.headers.get('location')]).toEqual([201, '/v1.1/queues/shared']);
    expect((await api.get('/v1.1/queues/shared')).body).toEqual({ colour: 'blue' });
    expect((await api.get('/v1.1/queues/never')).body).toEqual({});
    expect((await api.get('/v2/queues/shared')).body).toMatchObject({ colour: 'blue', _default_message_ttl: 3600 });
    const listed = await api.get('/v1.1/queues', { query: { detailed: true } });
    expect(listed.body).toEqual({
      queues: [{ name: 'shared', href: '/v1.1/queues/shared', metadata: { colour: 'blue' } }],
      links: [{ rel: 'next', href: '/v1.1/queues?detailed=true&marker=shared' }],
    });

    const posted = await api.post('/v1.1/queues/shared/messages', { json: { messages: [{ body: 'hello' }] } });
    expect(posted.body.resources[0]).toMatch(/^\/v1\.1\/queues\/shared\/messages\//);
    const inV2 = await api.get('/v2/queues/shared/messages', { query: { echo: true } });
    expect(inV2.body.messages.map((m: { body: string }) => m.body)).toEqual(['hello']);
    const claim = await api.post('/v1.1/queues/shared/claims', { json: { ttl: 60, grace: 60 } });
    expect(claim.status).toBe(201);
    expect(claim.headers.get('location')).toMatch(/^\/v1\.1\/queues\/shared\/claims\//);
    expect(claim.body.messages[0].href).toMatch(/^\/v1\.1\/queues\/shared\/messages\/[^?]+\?claim_id=/);
    const stats = await api.get('/v1.1/queues/shared/stats');
    expect(stats.body.messages).toMatchObject({ claimed: 1, free: 0, total: 1 });
    expect((await api.get('/v1.1/ping')).status).toBe(204);
  });

  it('answers 405 or 404 for what only v2 has: PATCH, purge, share, subscriptions, topics', async () => {
    await api.put('/v1.1/queues/plain');
    const patched = await api.patch('/v1.1/queues/plain', { json: [], headers: { 'Content-Type': JSON_PATCH } });
    expect([patched.status, patched.headers.get('allow')]).toEqual([405, 'DELETE, GET, HEAD, PUT']);
    expect((await api.post('/v1.1/queues/plain/purge', { json: {} })).status).toBe(404);
    expect((await api.post('/v1.1/queues/plain/share', { json: {} })).status).toBe(404);
    expect((await api.get('/v1.1/queues/plain/subscriptions')).status).toBe(404);
    expect((await api.get('/v1.1/topics')).status).toBe(404);
  });

  it('refuses bad input as v2 does, applies the policy file, and keeps projects apart', async () => {
    const badName = await api.put('/v1.1/queues/no%20spaces');
    expect([badName.status, badName.body.title]).toEqual([400, 'Invalid queue identification']);
    const badTtl = await api.post('/v1.1/queues/bad/messages', { json: { messages: [{ body: 1, ttl: 0 }] } });
    expect(badTtl.status).toBe(400);
    const notObject = await api.post('/v1.1/queues/bad/messages', { json: [{ body: 1 }] });
    expect([notObject.status, notObject.body.description]).toEqual([
      400,
      'No messages were found in the request body.',
    ]);
    const claimTtl = await api.post('/v1.1/queues/bad/claims', { json: { ttl: 1_000_000, grace: 60 } });
    expect(claimTtl.status).toBe(400);
    expect((await api.get('/v1.1/queues', { query: { limit: 0 } })).status).toBe(400);
    const noClient = await api.get('/v1.1/queues', { headers: { 'Client-ID': null } });
    expect([noClient.status, noClient.body.title]).toEqual([400, 'Missing header value']);

    await api.post('/v1.1/queues/private/messages', { json: { messages: [{ body: 'secret' }] } });
    const other = api.otherProject();
    expect((await other.get('/v1.1/queues')).body.queues).toEqual([]);
    const theirs = await other.get('/v1.1/queues/private/messages', { query: { echo: true } });
    expect(theirs.body.messages).toEqual([]);

    const claim = await api.post('/v1.1/queues/private/claims', { json: { ttl: 60, grace: 60 } });
    const claimPath = claim.headers.get('location')!;
    const denied = await api.get(claimPath);
    expect([denied.status, denied.body.description]).toEqual([403, 'claims:get is disallowed by policy.']);
    expect((await api.withRoles('admin').get(claimPath)).status).toBe(200);
  });
});

describe('API v1.1 off (the default)', () => {
  const off = serversOnFreshStore(BACKENDS[0][1]);

  it('is not served: its paths answer 404 whatever the method, and the versions document lists v2 alone', async () => {
    const api = new ZaqarClient(off.server.url);
    for (const res of [await api.get('/v1.1/queues'), await api.patch('/v1.1/queues/q'), await api.get('/v1.1/')]) {
      expect([res.status, res.body.title]).toEqual([404, '404 Not Found']);
    }
    const versions = (await (await fetch(`${off.server.url}/`)).json()) as { versions: Array<{ id: string }> };
    expect(versions.versions.map((v) => v.id)).toEqual(['2']);
  });

  it('a setting that names another version stops the start with a clear message', () => {
    const { status, stderr } = runToExit({ ENABLE_DEPRECATED_API_VERSIONS: '1', STORAGE_URL: 'sqlite::memory:' });
    expect(status).toBe(1);
    expect(stderr).toMatch('ENABLE_DEPRECATED_API_VERSIONS may name 1.1 only (API v1 is not served), not "1"');
  });
});
