import { randomUUID } from 'node:crypto';
import { BACKENDS, TestBackend } from '../support/backends';
import { runToExit, startServer, StartedServer } from '../support/server';
import { storedText } from '../support/store-sql';
import { until } from '../support/wait';
import { WebhookReceiver } from '../support/webhook-receiver';
import { ZaqarClient } from './client';
import { error } from './fixtures';

const KEY = 'an operator secret of some length';

/** The secret as it might sit in a database: as is, in hex, and in base64 at each of the 3 alignments. */
function encodingsOf(secret: string): string[] {
  const bytes = Buffer.from(secret);
  const base64 = [0, 1, 2].map((skip) => bytes.subarray(skip).toString('base64').slice(0, -4));
  return [secret, bytes.toString('hex'), ...base64];
}

describe.each(BACKENDS)('message encryption at rest [%s]', (_name, makeBackend) => {
  let backend: TestBackend;
  let server: StartedServer;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    backend = await makeBackend();
    receiver = await WebhookReceiver.start();
    server = await startServer({
      storageUrl: backend.url,
      env: { MESSAGE_ENCRYPTION_KEY: KEY },
    });
  });

  afterAll(async () => {
    await server?.kill();
    await receiver?.stop();
    await backend?.drop();
  });

  it('clients read plain bodies of an encrypted queue; the database holds no trace of them', async () => {
    const api = new ZaqarClient(server.url);
    const secret = `secret-${randomUUID()}`;
    const plain = `plain-${randomUUID()}`;
    expect((await api.put('/v2/queues/sealed', { json: { _enable_encrypt_messages: true } })).status).toBe(201);
    // a webhook that answers and one that never does, so the outbox keeps a row to look at
    for (const subscriber of [receiver.url('/hook'), 'http://127.0.0.1:9/never']) {
      const res = await api.post('/v2/queues/sealed/subscriptions', { json: { subscriber, ttl: 600 } });
      expect(res.status).toBe(201);
    }
    const bodies = [{ secret, n: 1 }, secret, [secret]];
    const posted = await api.post('/v2/queues/sealed/messages', {
      json: { messages: bodies.map((body) => ({ body })) },
    });
    expect(posted.status).toBe(201);
    // beside it, a plain queue's body is stored as sent: the search below finds what is there
    await api.post('/v2/queues/open/messages', { json: { messages: [{ body: plain }] } });

    const listed = await api.get('/v2/queues/sealed/messages?echo=true');
    expect(listed.body.messages.map((m: { body: unknown }) => m.body)).toEqual(bodies);
    expect((await api.get(posted.body.resources[0])).body.body).toEqual(bodies[0]);
    const claimed = await api.post('/v2/queues/sealed/claims?limit=1', { json: { ttl: 60, grace: 60 } });
    expect(claimed.body.messages.map((m: { body: unknown }) => m.body)).toEqual([bodies[0]]);
    const popped = await api.delete('/v2/queues/sealed/messages?pop=1');
    expect(popped.body.messages.map((m: { body: unknown }) => m.body)).toEqual([bodies[1]]);

    const notified = (await receiver.waitFor('/hook', 3)).map((r) => JSON.parse(r.body).body);
    expect(notified).toHaveLength(3);
    expect(notified).toEqual(expect.arrayContaining(bodies));

    await until(async () => (await storedText(backend)).includes(plain));
    const stored = await storedText(backend);
    for (const encoding of encodingsOf(secret)) expect(stored).not.toContain(encoding);
  });

  it('refuses _enable_encrypt_messages that is not a boolean', async () => {
    const res = await new ZaqarClient(server.url).put('/v2/queues/odd', { json: { _enable_encrypt_messages: 'yes' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(error('Invalid API request', '_enable_encrypt_messages must be boolean.'));
  });
});

describe('message encryption not configured', () => {
  let backend: TestBackend;
  let server: StartedServer;

  beforeAll(async () => {
    backend = await BACKENDS[0][1]();
    server = await startServer({ storageUrl: backend.url });
  });

  afterAll(async () => {
    await server?.kill();
    await backend?.drop();
  });

  it('refuses a queue that asks for encryption, rather than storing its bodies in plain', async () => {
    const api = new ZaqarClient(server.url);
    const refused = error(
      'Invalid API request',
      '_enable_encrypt_messages needs message encryption configured on the server (message_encryption_key).',
    );
    const put = await api.put('/v2/queues/sealed', { json: { _enable_encrypt_messages: true } });
    expect([put.status, put.body]).toEqual([400, refused]);
    await api.put('/v2/queues/later', { json: {} });
    const patch = await api.patch('/v2/queues/later', {
      json: [{ op: 'add', path: '/metadata/_enable_encrypt_messages', value: true }],
      headers: { 'Content-Type': 'application/openstack-messaging-v2.0-json-patch' },
    });
    expect(patch.status).toBe(400);
    expect(patch.body.description).toBe(refused.description);
  });
});

describe('a bad encryption setting stops the start', () => {
  it.each([
    [{ MESSAGE_ENCRYPTION_KEY: 'short' }, /message_encryption_key must be at least 16 characters/],
    [{ MESSAGE_ENCRYPTION_KEY: '' }, /message_encryption_key must be at least 16 characters/],
    [{ MESSAGE_ENCRYPTION_ALGORITHMS: 'AES256' }, /message_encryption_key is not/],
    [{ MESSAGE_ENCRYPTION_ALGORITHMS: 'RSA', MESSAGE_ENCRYPTION_KEY: KEY }, /only AES256 is supported, not "RSA"/],
  ])('%p', (env, message) => {
    const { status, stderr } = runToExit({ ...env, STORAGE_URL: 'sqlite::memory:' });
    expect(status).toBe(1);
    expect(stderr).toMatch(message);
  });
});
