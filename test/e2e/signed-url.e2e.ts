import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { sqliteBackend, TestBackend } from '../support/backends';
import { startServer, StartedServer } from '../support/server';
import { Caller, HeaderSet, noauth, sleep, uniqueName, zaqarError } from './auth-support';

const run = promisify(execFile);
/** Debian's python3-zaqarclient and python3-zaqar live in the system Python, not in any pyenv one. */
const PYTHON = '/usr/bin/python3';
const SECRET = 'e2e-signed-url-secret';

/** What every refused signed request gets: Zaqar answers 404 whatever is wrong with the signature. */
const REFUSED = zaqarError('Not found', 'The signed URL is invalid, expired, or does not cover this request.');

/** The headers python-zaqarclient's signed-url auth backend sends, from a share answer. */
function signedHeaders(signed: {
  signature: string;
  expires: string;
  methods: string[];
  paths: string[];
  project: string;
}): HeaderSet {
  return {
    'URL-Signature': signed.signature,
    'URL-Expires': signed.expires,
    'URL-Methods': signed.methods.join(','),
    'URL-Paths': signed.paths.join(','),
    'X-Project-ID': signed.project,
  };
}

/** An ISO date `seconds` from now, whole seconds, UTC: the form Zaqar signs. */
function isoIn(seconds: number): string {
  return new Date(Math.ceil(Date.now() / 1000) * 1000 + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, '');
}

describe('pre-signed URLs (noauth server with a secret key)', () => {
  let backend: TestBackend;
  let server: StartedServer;

  beforeAll(async () => {
    backend = await sqliteBackend();
    server = await startServer({ storageUrl: backend.url, env: { SIGNED_URL_SECRET_KEY: SECRET } });
  });

  afterAll(async () => {
    await server?.kill();
    await backend?.drop();
  });

  /** A project with a queue holding one message, and a URL signed for GET and POST on its messages. */
  async function sharedQueue(share: Record<string, unknown> = { paths: ['messages'], methods: ['GET', 'POST'] }) {
    const project = `signed-${randomUUID()}`;
    const owner = new Caller(server.url, noauth(project));
    const queue = uniqueName('shared');
    const [messageId] = await owner.postMessages(queue, ['from owner']);
    const shared = await owner.post(`/v2/queues/${queue}/share`, share);
    expect(shared.body).toMatchObject({ signature: expect.any(String) }); // its status: the shape test
    // nothing but the signed headers and a Client-ID: no token, no roles
    const guest = new Caller(server.url, signedHeaders(shared.body));
    return { project, owner, queue, messageId, signed: shared.body, guest };
  }

  it("share answers 200 with Zaqar's shape: full sorted paths and methods, the project, UTC expiry, hex signature", async () => {
    const project = `signed-${randomUUID()}`;
    const owner = new Caller(server.url, noauth(project));
    const res = await owner.post('/v2/queues/fizbit/share', {
      paths: ['messages', 'claims'],
      methods: ['POST', 'GET'],
      expires: '2030-01-02T05:04:05+02:00',
    });
    // 200, not 201: Zaqar's handler sets no status (falcon's default), checked on the reference server
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      paths: ['/v2/queues/fizbit/claims', '/v2/queues/fizbit/messages'],
      methods: ['GET', 'POST'],
      project,
      expires: '2030-01-02T03:04:05',
      signature: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('share defaults to GET on messages for a day', async () => {
    const owner = new Caller(server.url, noauth(`signed-${randomUUID()}`));
    const before = Date.now();
    const res = await owner.post('/v2/queues/fizbit/share', {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ paths: ['/v2/queues/fizbit/messages'], methods: ['GET'] });
    const expires = Date.parse(`${res.body.expires}Z`);
    expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 86_400_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 86_400_000);
  });

  it('share refuses what Zaqar refuses with 400: unknown paths, past or integer expiry', async () => {
    const owner = new Caller(server.url, noauth(`signed-${randomUUID()}`));
    const cases: Array<[unknown, string]> = [
      [{ paths: ['stats'] }, "Invalid paths: {'stats'}"],
      [{ expires: '2001-01-01T00:00:00' }, '`expires` is lower than the current time'],
      [
        { expires: '1700000000' },
        '`expires` should be date format, for example 2016-01-01T00:00:00, not integer value: 1700000000',
      ],
    ];
    for (const [body, description] of cases) {
      const res = await owner.post('/v2/queues/fizbit/share', body);
      expect([res.status, res.body]).toEqual([400, zaqarError('Invalid API request', description)]);
    }
  });

  it('a signed URL lists, reads and posts messages with no identity but the signature', async () => {
    const { owner, queue, messageId, guest } = await sharedQueue();
    const posted = await guest.post(`/v2/queues/${queue}/messages`, { messages: [{ body: 'from guest', ttl: 300 }] });
    expect(posted.status).toBe(201);

    const listed = await guest.get(`/v2/queues/${queue}/messages?echo=true`);
    expect([listed.status, listed.body.messages.map((m: any) => m.body)]).toEqual([200, ['from owner', 'from guest']]);
    // Zaqar searches the signed path in the request path, so one message below it is covered too
    const one = await guest.get(`/v2/queues/${queue}/messages/${messageId}`);
    expect([one.status, one.body.body]).toEqual([200, 'from owner']);
    // and what the guest posted is in the owner's project
    const seen = await owner.get(`/v2/queues/${queue}/messages?echo=true`);
    expect(seen.body.messages.map((m: any) => m.body)).toEqual(['from owner', 'from guest']);
  });

  it('a path the URL was not signed for answers 404: the queue itself, stats, claims, another queue', async () => {
    const { owner, queue, guest } = await sharedQueue();
    await owner.postMessages('elsewhere', ['private']);
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', `/v2/queues/${queue}`],
      ['GET', `/v2/queues/${queue}/stats`],
      ['POST', `/v2/queues/${queue}/claims`, { ttl: 60, grace: 60 }],
      ['GET', '/v2/queues'],
      ['GET', '/v2/queues/elsewhere/messages?echo=true'],
      ['POST', '/v2/queues/elsewhere/messages', { messages: [{ body: 'intruder' }] }],
      ['GET', `/v2/queues/${queue}x/messages`],
    ];
    for (const [method, path, body] of attempts) {
      const res = await guest.request(method, path, body);
      expect([method, path, res.status, res.body]).toEqual([method, path, 404, REFUSED]);
    }
    const elsewhere = await owner.get('/v2/queues/elsewhere/messages?echo=true');
    expect(elsewhere.body.messages.map((m: any) => m.body)).toEqual(['private']);
  });

  it('a method the URL was not signed for answers 404 and changes nothing', async () => {
    const { owner, queue, messageId, guest } = await sharedQueue();
    for (const path of [`/v2/queues/${queue}/messages/${messageId}`, `/v2/queues/${queue}/messages?pop=1`]) {
      const res = await guest.delete(path);
      expect([path, res.status, res.body]).toEqual([path, 404, REFUSED]);
    }
    expect((await owner.get(`/v2/queues/${queue}/messages/${messageId}`)).status).toBe(200);
  });

  it('any tampered field answers 404: signature, expiry, methods, paths', async () => {
    const { queue, signed, guest } = await sharedQueue();
    const flipped = signed.signature.slice(0, -1) + (signed.signature.endsWith('0') ? '1' : '0');
    const tampered: HeaderSet[] = [
      { 'URL-Signature': flipped },
      { 'URL-Signature': signed.signature.toUpperCase() },
      { 'URL-Expires': isoIn(7 * 86_400) },
      { 'URL-Methods': 'DELETE,GET,POST' },
      { 'URL-Paths': `/v2/queues/${queue}/messages,/v2/queues/${queue}/stats` },
    ];
    for (const headers of tampered) {
      const res = await guest.get(`/v2/queues/${queue}/messages`, headers);
      expect([headers, res.status, res.body]).toEqual([headers, 404, REFUSED]);
    }
    // widening the methods also fails where the new method is used
    const deleted = await guest.delete(`/v2/queues/${queue}/messages?pop=1`, { 'URL-Methods': 'DELETE,GET,POST' });
    expect([deleted.status, deleted.body]).toEqual([404, REFUSED]);
  });

  it('another project in X-Project-ID, or none, answers 404: the signature covers the project', async () => {
    const { queue, guest } = await sharedQueue();
    const path = `/v2/queues/${queue}/messages`;
    for (const project of [`signed-${randomUUID()}`, null]) {
      const res = await guest.get(path, { 'X-Project-ID': project });
      expect([project, res.status, res.body]).toEqual([project, 404, REFUSED]);
    }
  });

  it('an expired URL answers 404 where it answered 200 moments before', async () => {
    const expires = isoIn(3);
    const { queue, signed, guest } = await sharedQueue({ paths: ['messages'], methods: ['GET'], expires });
    expect(signed.expires).toBe(expires);
    expect((await guest.get(`/v2/queues/${queue}/messages?echo=true`)).status).toBe(200);
    await sleep(Date.parse(`${expires}Z`) - Date.now() + 1_100);
    const res = await guest.get(`/v2/queues/${queue}/messages?echo=true`);
    expect([res.status, res.body]).toEqual([404, REFUSED]);
  });

  it('as in Zaqar, a signed path is a regular expression: a dot in the queue name matches any character', async () => {
    // Zaqar (helpers.verify_pre_signed_url) runs re.search(path, req.path) for each signed path; we
    // keep that, so a URL for queue `a.b` also reaches queue `a-b` of the same project.
    const project = `signed-${randomUUID()}`;
    const owner = new Caller(server.url, noauth(project));
    await owner.postMessages('a-b', ['lookalike']);
    const shared = await owner.post('/v2/queues/a.b/share', { paths: ['messages'], methods: ['GET'] });
    const guest = new Caller(server.url, signedHeaders(shared.body));
    const res = await guest.get('/v2/queues/a-b/messages?echo=true');
    expect([res.status, res.body.messages.map((m: any) => m.body)]).toEqual([200, ['lookalike']]);
  });

  it("python-zaqarclient's signed-url backend works against our server, and so does a URL signed by Zaqar's own code", async () => {
    const project = `signed-${randomUUID()}`;
    const queue = uniqueName('pyshared');
    const script = `
import json, sys
from zaqarclient.queues import client as zaqar
from zaqar.common import urls
url, project, queue, key = sys.argv[1:5]
owner = zaqar.Client(url, version=2, conf={'auth_opts': {'backend': 'noauth', 'options': {'os_project_id': project}}})
q = owner.queue(queue)
q.post([{'body': 'from owner', 'ttl': 300}])
signed = q.signed_url(paths=['messages'], methods=['GET', 'POST'])
opts = {'signature': signed['signature'], 'expires': signed['expires'], 'methods': signed['methods'],
        'paths': signed['paths'], 'os_project_id': signed['project']}
guest = zaqar.Client(url, version=2, conf={'auth_opts': {'backend': 'signed-url', 'options': opts}})
gq = guest.queue(queue)
gq.post([{'body': 'from guest', 'ttl': 300}])
listed = [m.body for m in gq.messages(echo=True)]
try:
    gq.stats
    stats = 'allowed'
except Exception as e:
    stats = type(e).__name__
upstream = urls.create_signed_url(key, ['/v2/queues/%s/messages' % queue], project=project, methods=['GET'])
print(json.dumps({'signed': signed, 'listed': listed, 'stats': stats, 'upstream': upstream}))
`;
    const { stdout } = await run(PYTHON, ['-c', script, server.url, project, queue, SECRET], { timeout: 60_000 });
    const seen = JSON.parse(stdout);
    expect(seen.signed).toMatchObject({ project, paths: [`/v2/queues/${queue}/messages`], methods: ['GET', 'POST'] });
    expect(seen.listed).toEqual(['from owner', 'from guest']);
    expect(seen.stats).toBe('ResourceNotFound'); // our 404 for an unsigned path, as the client knows it

    const owner = new Caller(server.url, noauth(project));
    const inProject = await owner.get(`/v2/queues/${queue}/messages?echo=true`);
    expect(inProject.body.messages.map((m: any) => m.body)).toEqual(['from owner', 'from guest']);

    // zaqar.common.urls.create_signed_url with our secret: the same signature as our share, and accepted
    const ours = await owner.post(`/v2/queues/${queue}/share`, {
      paths: ['messages'],
      methods: ['GET'],
      expires: seen.upstream.expires,
    });
    expect(ours.body).toEqual(seen.upstream);
    const upstreamGuest = new Caller(server.url, signedHeaders(seen.upstream));
    const listed = await upstreamGuest.get(`/v2/queues/${queue}/messages?echo=true`);
    expect([listed.status, listed.body.messages.length]).toEqual([200, 2]);
  });
});

describe('pre-signed URLs on a server without a secret key', () => {
  let backend: TestBackend;
  let server: StartedServer;

  beforeAll(async () => {
    backend = await sqliteBackend();
    server = await startServer({ storageUrl: backend.url, env: { SIGNED_URL_SECRET_KEY: '' } });
  });

  afterAll(async () => {
    await server?.kill();
    await backend?.drop();
  });

  it('share answers 503 naming what is missing (Zaqar fails with a 500 here)', async () => {
    const owner = new Caller(server.url, noauth(`signed-${randomUUID()}`));
    const res = await owner.post('/v2/queues/fizbit/share', { paths: ['messages'] });
    expect([res.status, res.body]).toEqual([
      503,
      zaqarError(
        'Service temporarily unavailable',
        'Pre-signed URLs are not enabled: no [signed_url] secret_key is set. Please try again in a few seconds.',
      ),
    ]);
  });

  it('a request carrying a signature is refused with 404, whatever it signs', async () => {
    const project = `signed-${randomUUID()}`;
    const owner = new Caller(server.url, noauth(project));
    await owner.postMessages('fizbit', ['private']);
    const guest = new Caller(server.url, {
      'URL-Signature': 'a'.repeat(64),
      'URL-Expires': isoIn(3600),
      'URL-Methods': 'GET',
      'URL-Paths': '/v2/queues/fizbit/messages',
      'X-Project-ID': project,
    });
    const res = await guest.get('/v2/queues/fizbit/messages?echo=true');
    expect([res.status, res.body]).toEqual([404, REFUSED]);
  });
});
