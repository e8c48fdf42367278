import { randomUUID } from 'node:crypto';
import { BACKENDS } from '../support/backends';
import { describeWithKeystone, KeystoneFixture, startKeystone } from '../support/keystone';
import { freePort, type StartedServer } from '../support/server';
import { type Frame, ZaqarSocket } from '../support/zaqar-socket';
import { driveWithZaqarclientWs } from '../support/zaqarclient-ws';
import { ZaqarSocketio } from '../support/zaqar-socketio';
import { Caller, startServerAnyAuth, uniqueName } from './auth-support';

const NOT_AUTHENTIFIED = { error: 'Not authentified.' };

/** The names of the queues a REST caller lists. */
async function queueNames(caller: Caller): Promise<string[]> {
  const listed = await caller.get('/v2/queues');
  return listed.status === 204 ? [] : listed.body.queues.map((q: { name: string }) => q.name);
}

describeWithKeystone("Zaqar's WebSocket protocol with AUTH_STRATEGY=keystone, against a real Keystone", () => {
  let keystone: KeystoneFixture;

  beforeAll(async () => {
    keystone = await startKeystone();
  }, 120_000);
  afterAll(() => keystone?.stop());

  /** Keystone's own view of a token: its validation status and the expiry it reports. */
  async function validation(token: string): Promise<{ status: number; expiresAt?: number }> {
    const res = await fetch(`${keystone.authUrl}/auth/tokens?nocatalog`, {
      headers: { 'X-Auth-Token': await keystone.token('admin'), 'X-Subject-Token': token },
    });
    if (res.status !== 200) {
      await res.body?.cancel();
      return { status: res.status };
    }
    const { token: shown } = (await res.json()) as any;
    return { status: 200, expiresAt: Date.parse(shown.expires_at) };
  }

  /**
   * A token that Keystone lets expire within seconds: one issued for an application credential
   * that expires then (Keystone caps the token at the credential's expires_at).
   */
  async function shortLivedToken(seconds: number): Promise<string> {
    const post = async (path: string, body: unknown, token?: string) => {
      const res = await fetch(keystone.authUrl + path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(token ? { 'X-Auth-Token': token } : {}) },
        body: JSON.stringify(body),
      });
      if (res.status !== 201) throw new Error(`Keystone POST ${path} answered ${res.status}: ${await res.text()}`);
      return res;
    };
    const created = await post(
      `/users/${keystone.userIds['alpha-member']}/application_credentials`,
      {
        application_credential: {
          name: uniqueName('short'),
          expires_at: new Date(Date.now() + seconds * 1000).toISOString(),
        },
      },
      await keystone.token('alpha-member'),
    );
    const { id, secret } = ((await created.json()) as any).application_credential;
    const issued = await post('/auth/tokens?nocatalog', {
      auth: { identity: { methods: ['application_credential'], application_credential: { id, secret } } },
    });
    await issued.body?.cancel();
    return issued.headers.get('x-subject-token')!;
  }

  describe.each(BACKENDS)('[%s]', (_name, makeBackend) => {
    let server: StartedServer;
    let wsPort: number;
    let drop: () => Promise<void>;

    beforeAll(async () => {
      const backend = await makeBackend();
      drop = () => backend.drop();
      wsPort = await freePort();
      server = await startServerAnyAuth(backend.url, {
        AUTH_STRATEGY: 'keystone',
        SIGNED_URL_SECRET_KEY: 'websocket-keystone-secret',
        WS_PORT: String(wsPort),
        ...keystone.env(),
      });
    }, 60_000);
    afterAll(async () => {
      await server?.kill();
      await drop?.();
    });

    const sockets: ZaqarSocket[] = [];
    const open = async () => {
      const socket = await ZaqarSocket.open(wsPort);
      sockets.push(socket);
      return socket;
    };
    afterEach(() => sockets.splice(0).forEach((socket) => socket.close()));

    const headersFor = (project: string): Frame => ({ 'Client-ID': randomUUID(), 'X-Project-ID': project });
    const authenticate = (ws: ZaqarSocket, token: string, project: string) =>
      ws.call({ action: 'authenticate', headers: { ...headersFor(project), 'X-Auth-Token': token } });

    it("before authenticate every frame is refused with 403 'Not authentified.', noauth's headers included", async () => {
      const ws = await open();
      const headers = { ...headersFor(keystone.projects.alpha), 'X-Roles': 'admin' };
      for (const [action, body] of [
        ['queue_list', {}],
        ['queue_create', { queue_name: 'early' }],
        ['message_list', { queue_name: 'early' }],
        ['ping_node', {}],
      ] as const) {
        const answer = await ws.call({ action, headers, body });
        expect([action, answer.headers, answer.body]).toEqual([action, { status: 403 }, NOT_AUTHENTIFIED]);
      }
    });

    it("authenticate with a token Keystone refuses answers 401 'Authentication failed.' and leaves the socket unauthenticated", async () => {
      const ws = await open();
      for (const token of ['not-a-token', `gAAAAAB${'x'.repeat(180)}`]) {
        const answer = await authenticate(ws, token, keystone.projects.alpha);
        expect([answer.headers, answer.body]).toEqual([{ status: 401 }, { error: 'Authentication failed.' }]);
      }
      const after = await ws.call({ action: 'queue_list', headers: headersFor(keystone.projects.alpha), body: {} });
      expect([after.headers.status, after.body]).toEqual([403, NOT_AUTHENTIFIED]);
    });

    it("after authenticate with a good token, frames act in the token's project whatever X-Project-ID names", async () => {
      const alphaToken = await keystone.token('alpha-member');
      const ws = await open();
      const answer = await authenticate(ws, alphaToken, keystone.projects.alpha);
      expect([answer.headers, answer.body]).toEqual([{ status: 200 }, { message: 'Authentified.' }]);

      const queue = uniqueName('ks-socket');
      const asBeta = headersFor(keystone.projects.beta);
      const created = await ws.call({ action: 'queue_create', headers: asBeta, body: { queue_name: queue } });
      expect([created.headers.status, created.body]).toEqual([201, `Queue ${queue} created.`]);
      const posted = await ws.call({
        action: 'message_post',
        headers: asBeta,
        body: { queue_name: queue, messages: [{ body: 'over the socket' }] },
      });
      expect(posted.headers.status).toBe(201);

      const alpha = new Caller(server.url, { 'X-Auth-Token': alphaToken });
      const beta = new Caller(server.url, { 'X-Auth-Token': await keystone.token('beta-member') });
      expect(await queueNames(alpha)).toContain(queue);
      expect(await queueNames(beta)).not.toContain(queue);
      const messages = await alpha.get(`/v2/queues/${queue}/messages?echo=true`);
      expect([messages.status, messages.body.messages.map((m: any) => m.body)]).toEqual([200, ['over the socket']]);
    });

    it("Socket.IO authenticates the same way: refused before, the token's project after", async () => {
      const sio = await ZaqarSocketio.open(server.port);
      try {
        const asBeta = headersFor(keystone.projects.beta);
        expect((await sio.call('queue_list', asBeta)).body).toEqual(NOT_AUTHENTIFIED);
        const token = await keystone.token('alpha-member');
        const refused = await sio.call('authenticate', { ...asBeta, 'X-Auth-Token': 'not-a-token' });
        expect(refused.headers.status).toBe(401);
        const accepted = await sio.call('authenticate', { ...asBeta, 'X-Auth-Token': token });
        expect([accepted.headers.status, accepted.body]).toEqual([200, { message: 'Authentified.' }]);
        const queue = uniqueName('ks-sio');
        expect((await sio.call('queue_create', asBeta, { queue_name: queue })).headers.status).toBe(201);
        expect(await queueNames(new Caller(server.url, { 'X-Auth-Token': token }))).toContain(queue);
      } finally {
        sio.close();
      }
    });

    it('a signed URL lets an unauthenticated socket post and list messages of its queue, nothing else, no other queue', async () => {
      const alpha = new Caller(server.url, { 'X-Auth-Token': await keystone.token('alpha-member') });
      const queue = uniqueName('ks-signed');
      await alpha.createQueue(queue);
      const shared = await alpha.post(`/v2/queues/${queue}/share`, { paths: ['messages'], methods: ['GET', 'POST'] });
      expect(shared.status).toBe(200);
      const signed: Frame = {
        ...headersFor(keystone.projects.alpha),
        'URL-Signature': shared.body.signature,
        'URL-Expires': shared.body.expires,
        'URL-Methods': shared.body.methods,
        'URL-Paths': shared.body.paths,
      };
      const ws = await open();
      const act = (action: string, body: Frame, headers: Frame = signed) => ws.call({ action, headers, body });

      const posted = await act('message_post', { queue_name: queue, messages: [{ body: 'signed' }] });
      expect([posted.headers.status, posted.body.message_ids]).toEqual([201, [expect.any(String)]]);
      const listed = await act('message_list', { queue_name: queue, echo: true });
      expect([listed.headers.status, listed.body.messages.map((m: Frame) => m.body)]).toEqual([200, ['signed']]);
      // the post landed in the signing project, as REST shows with the token
      const overRest = await alpha.get(`/v2/queues/${queue}/messages?echo=true`);
      expect(overRest.body.messages.map((m: any) => m.body)).toEqual(['signed']);

      // signed for this queue's messages only (Zaqar's socket transport checks no path)
      const elsewhere = await act('message_post', { queue_name: uniqueName('ks-other'), messages: [{ body: 'x' }] });
      expect([elsewhere.headers.status, elsewhere.body]).toEqual([403, NOT_AUTHENTIFIED]);
      const create = await act('queue_create', { queue_name: uniqueName('ks-signed') });
      expect([create.headers.status, create.body]).toEqual([403, NOT_AUTHENTIFIED]);
      // DELETE was not signed
      const remove = await act('message_delete', { queue_name: queue, message_id: posted.body.message_ids[0] });
      expect([remove.headers.status, remove.body]).toEqual([403, NOT_AUTHENTIFIED]);
      const signature = shared.body.signature as string;
      const tampered = { ...signed, 'URL-Signature': (signature[0] === 'a' ? 'b' : 'a') + signature.slice(1) };
      const forged = await act('message_list', { queue_name: queue, echo: true }, tampered);
      expect([forged.headers.status, forged.body]).toEqual([403, NOT_AUTHENTIFIED]);
      const otherProject = { ...signed, 'X-Project-ID': keystone.projects.beta };
      const moved = await act('message_list', { queue_name: queue, echo: true }, otherProject);
      expect([moved.headers.status, moved.body]).toEqual([403, NOT_AUTHENTIFIED]);
    });

    it('a socket authenticated with a token that expires is closed with 4003 when it does', async () => {
      const token = await shortLivedToken(5);
      // Fernet keeps whole seconds: validation reports an earlier expiry than the issue did
      const { expiresAt } = await validation(token);
      const ws = await open();
      const reason = new Promise<string>((resolve) => ws.socket.on('close', (_code, why) => resolve(why.toString())));
      const answer = await authenticate(ws, token, keystone.projects.alpha);
      expect([answer.headers.status, answer.body]).toEqual([200, { message: 'Authentified.' }]);
      const listed = await ws.call({ action: 'queue_list', headers: headersFor(keystone.projects.alpha), body: {} });
      expect(listed.headers.status).toBe(200);
      expect(await ws.closed).toBe(4003);
      expect(await reason).toBe('Authentication expired.');
      // closed when the token ended, not before, and Keystone agrees it has
      expect(Date.now()).toBeGreaterThanOrEqual(expiresAt!);
      expect((await validation(token)).status).toBe(404);
    }, 30_000);

    it("python-zaqarclient's ws transport with a Keystone token creates a queue, posts and lists in the token's project", async () => {
      const queue = uniqueName('ks-client');
      const token = await keystone.token('alpha-member');
      const seen = await driveWithZaqarclientWs({
        endpoint: `ws://127.0.0.1:${wsPort}`,
        backend: 'keystone',
        project: keystone.projects.alpha,
        token,
        scenario: 'basic',
        queue,
      });
      expect(seen.authenticate).toEqual({ status: 200 });
      expect(seen.queue_create).toEqual({ status: 201, body: `Queue ${queue} created.` });
      expect(seen.message_post).toEqual({ status: 201, body: { message_ids: [expect.any(String)] } });
      expect(seen.message_list.status).toBe(200);
      expect(seen.message_list.body.messages.map((m: Frame) => m.body)).toEqual([{ from: 'zaqarclient' }]);
      expect(seen.queue_list.body.queues).toContainEqual({ name: queue });
      expect(await queueNames(new Caller(server.url, { 'X-Auth-Token': token }))).toContain(queue);
    });

    it("python-zaqarclient's ws transport raises UnauthorizedError when Keystone refuses its token", async () => {
      const seen = await driveWithZaqarclientWs({
        endpoint: `ws://127.0.0.1:${wsPort}`,
        backend: 'keystone',
        project: keystone.projects.alpha,
        token: 'not-a-token',
        scenario: 'basic',
        queue: uniqueName('ks-client'),
      });
      expect(seen).toEqual({
        authenticate: {
          raised: 'UnauthorizedError',
          message:
            'Error response from Zaqar. Code: 401. Title: Websocket Transport Error. Description: Authentication failed..',
        },
      });
    });
  });
});
