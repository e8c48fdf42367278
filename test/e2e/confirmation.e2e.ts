import { createHmac, randomUUID } from 'node:crypto';
import { BACKENDS } from '../support/backends';
import { serversOnFreshStore } from '../support/lifecycle';
import { mailBody, mailHeader, smtpSink } from '../support/smtp-sink';
import { ReceivedRequest, WebhookReceiver } from '../support/webhook-receiver';
import { freePort } from '../support/server';
import { until } from '../support/wait';
import { ZaqarSocket } from '../support/zaqar-socket';
import { ZaqarClient } from './client';

const SECRET = 'confirmation-e2e-secret';
const CONFIRMING = { REQUIRE_CONFIRMATION: 'true', SIGNED_URL_SECRET_KEY: SECRET };

/** Long enough for a delivery that was going to happen (the job polls every second) to have happened. */
const QUIET_MS = 1500;
const quiet = () => new Promise((resolve) => setTimeout(resolve, QUIET_MS));

/** Zaqar's signature of a confirm link, computed here from its definition (zaqar/common/urls.py). */
function zaqarSignature(path: string, project: string, expires: string): string {
  return createHmac('sha256', SECRET).update(`${path}\\nPUT\\n${project}\\n${expires}`).digest('hex');
}

/** What a receiver does with a confirmation request: PUT the link with its signed headers (and a Client-ID). */
function followLink(request: Record<string, unknown>, body: unknown, signature = request['URL-Signature']) {
  return fetch(request.WSGISubscribeURL as string, {
    method: 'PUT',
    headers: {
      'Content-Type': 'application/json',
      'Client-ID': randomUUID(),
      'URL-Signature': String(signature),
      'URL-Methods': String(request['URL-Methods']),
      'URL-Paths': String(request['URL-Paths']),
      'URL-Expires': String(request['URL-Expires']),
      'X-Project-ID': String(request['X-Project-ID']),
    },
    body: JSON.stringify(body),
  });
}

/** The expiry Zaqar signs: now plus the ttl, to the second, without a zone. */
function expectExpiry(expires: string, ttlSeconds: number): void {
  const at = Date.parse(`${expires}Z`);
  expect(expires).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  expect(Math.abs(at - (Date.now() + ttlSeconds * 1000))).toBeLessThan(10_000);
}

describe.each(BACKENDS)('subscription confirmation [%s]', (_name, makeBackend) => {
  const env: Record<string, string> = { ...CONFIRMING };
  beforeAll(async () => {
    env.WS_PORT = String(await freePort());
  });
  const running = serversOnFreshStore(makeBackend, 1, env);
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterAll(() => receiver.stop());

  async function subscribed(path: string, ttl = 600) {
    const api = new ZaqarClient(running.server.url);
    const id = await api.subscribe('jobs', { subscriber: receiver.url(path), ttl });
    const [request] = await receiver.waitFor(path, 1);
    return { api, id, request, confirmation: JSON.parse(request.body) as Record<string, unknown> };
  }

  it("a new webhook subscriber is sent Zaqar's SubscriptionConfirmation, signed for PUT on its confirm link", async () => {
    const { api, id, request } = await subscribed('/exact', 600);
    const path = `/v2/queues/jobs/subscriptions/${id}/confirm`;
    const expires = JSON.parse(request.body)['URL-Expires'] as string;
    expectExpiry(expires, 600);
    // The keys, their order and their spacing as the reference Zaqar 15 posts them.
    expect(request.body).toBe(
      `{"WSGISubscribeURL": "${running.server.url}${path}", ` +
        '"Message_Type": "SubscriptionConfirmation", ' +
        '"Message": "You have chosen to subscribe to the queue: jobs", ' +
        `"URL-Signature": "${zaqarSignature(path, api.project, expires)}", ` +
        `"URL-Methods": "PUT", "URL-Paths": "${path}", "X-Project-ID": "${api.project}", ` +
        `"URL-Expires": "${expires}", ` +
        '"SubscribeBody": {"confirmed": true}, "UnsubscribeBody": {"confirmed": false}, ' +
        '"queue_name": "jobs"}',
    );
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-zaqar-signature']).toEqual(expect.any(String));
    expect((await api.get(`/v2/queues/jobs/subscriptions/${id}`)).body.confirmed).toBe(false);
  });

  it('an unconfirmed subscriber gets no messages; following the link confirms it, and then it does', async () => {
    const { api, id, confirmation } = await subscribed('/follow');
    await api.postMessages('jobs', [{ body: 'before' }]);
    await quiet();
    expect(receiver.at('/follow')).toHaveLength(1);

    const res = await followLink(confirmation, confirmation.SubscribeBody);
    expect(res.status).toBe(204);
    expect(res.headers.get('location')).toBe(`/v2/queues/jobs/subscriptions/${id}/confirm`);
    expect((await api.get(`/v2/queues/jobs/subscriptions/${id}`)).body.confirmed).toBe(true);

    await api.postMessages('jobs', [{ body: 'after', ttl: 60 }]);
    const got = await receiver.waitFor('/follow', 2);
    expect(got[1].body).toBe('{"ttl": 60, "body": "after", "Message_Type": "Notification", "queue_name": "jobs"}');
    await quiet();
    expect(receiver.at('/follow')).toHaveLength(2); // "before" stays unsent: it was posted while unconfirmed
  });

  it("a tampered signature, or the link used for another subscription, is refused with Zaqar's 404", async () => {
    const { api, id, confirmation } = await subscribed('/tampered');
    const other = await subscribed('/other');
    const flipped = String(confirmation['URL-Signature']).replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const refused = await followLink(confirmation, { confirmed: true }, flipped);
    expect(refused.status).toBe(404);
    expect(await refused.json()).toEqual({
      title: 'Not found',
      description: 'The signed URL is invalid, expired, or does not cover this request.',
    });
    const elsewhere = await followLink(
      { ...confirmation, WSGISubscribeURL: other.confirmation.WSGISubscribeURL },
      { confirmed: true },
    );
    expect(elsewhere.status).toBe(404);
    expect((await api.get(`/v2/queues/jobs/subscriptions/${id}`)).body.confirmed).toBe(false);
    expect((await other.api.get(`/v2/queues/jobs/subscriptions/${other.id}`)).body.confirmed).toBe(false);
  });

  it('the link signs PUT only, and the Client-ID Zaqar asks of every request is still needed', async () => {
    const { confirmation } = await subscribed('/get-only');
    const headers = {
      'URL-Signature': String(confirmation['URL-Signature']),
      'URL-Methods': String(confirmation['URL-Methods']),
      'URL-Paths': String(confirmation['URL-Paths']),
      'URL-Expires': String(confirmation['URL-Expires']),
      'X-Project-ID': String(confirmation['X-Project-ID']),
    };
    const url = String(confirmation.WSGISubscribeURL);
    expect(
      (await fetch(url.replace(/\/confirm$/, ''), { headers: { ...headers, 'Client-ID': randomUUID() } })).status,
    ).toBe(404);
    const noClient = await fetch(url, { method: 'PUT', headers, body: '{"confirmed": true}' });
    expect(noClient.status).toBe(400);
    expect(await noClient.json()).toEqual({
      title: 'Missing header value',
      description: 'The "Client-ID" header is required.',
    });
  });

  it('confirmed: false sends UnsubscribeConfirmation with a fresh link, and messages stop', async () => {
    const { api, id, confirmation } = await subscribed('/leave');
    expect((await followLink(confirmation, { confirmed: true })).status).toBe(204);
    const res = await followLink(confirmation, confirmation.UnsubscribeBody);
    expect(res.status).toBe(204);
    const [, request] = await receiver.waitFor('/leave', 2);
    const path = `/v2/queues/jobs/subscriptions/${id}/confirm`;
    const unsubscribed = JSON.parse(request.body) as Record<string, unknown>;
    const expires = unsubscribed['URL-Expires'] as string;
    expectExpiry(expires, 3600); // Zaqar signs it for the default subscription ttl
    expect(request.body).toBe(
      `{"WSGISubscribeURL": "${running.server.url}${path}", ` +
        '"Message_Type": "UnsubscribeConfirmation", ' +
        '"Message": "You have unsubscribed successfully to the queue: jobs, ' +
        'you can resubscribe it by using confirmed=True.", ' +
        `"URL-Signature": "${zaqarSignature(path, api.project, expires)}", ` +
        `"URL-Methods": "PUT", "URL-Paths": "${path}", "X-Project-ID": "${api.project}", ` +
        `"URL-Expires": "${expires}", ` +
        '"SubscribeBody": {"confirmed": true}, "UnsubscribeBody": {"confirmed": false}, ' +
        '"queue_name": "jobs"}',
    );
    await api.postMessages('jobs', [{ body: 'unwanted' }]);
    await quiet();
    expect(receiver.at('/leave')).toHaveLength(2);
    // ...and the new link resubscribes
    expect((await followLink(unsubscribed, unsubscribed.SubscribeBody)).status).toBe(204);
    await api.postMessages('jobs', [{ body: 'welcome back' }]);
    const got = await receiver.waitFor('/leave', 3);
    expect(got[2].body).toContain('"welcome back"');
  });

  it('confirming through the owner (PUT with the project) sends nothing; confirmed: true never does', async () => {
    const { api, id } = await subscribed('/owner');
    const res = await api.put(`/v2/queues/jobs/subscriptions/${id}/confirm`, { json: { confirmed: true } });
    expect(res.status).toBe(204);
    await api.postMessages('jobs', [{ body: 'to the confirmed' }]);
    const got = await receiver.waitFor('/owner', 2);
    expect(got.map((r) => JSON.parse(r.body).Message_Type)).toEqual(['SubscriptionConfirmation', 'Notification']);
  });

  it('posting the same unconfirmed subscriber again answers with it and asks again; once confirmed, 409', async () => {
    const { api, id } = await subscribed('/again');
    expect(await api.subscribe('jobs', { subscriber: receiver.url('/again') })).toBe(id);
    const [first, second] = await receiver.waitFor('/again', 2);
    expect(JSON.parse(second.body)).toMatchObject({ Message_Type: 'SubscriptionConfirmation', queue_name: 'jobs' });
    expect(JSON.parse(second.body)['URL-Paths']).toBe(JSON.parse(first.body)['URL-Paths']);
    expect((await followLink(JSON.parse(second.body), { confirmed: true })).status).toBe(204);
    const duplicate = await api.post('/v2/queues/jobs/subscriptions', { json: { subscriber: receiver.url('/again') } });
    expect(duplicate.status).toBe(409);
  });

  it('a confirmation the receiver cannot take now is tried again, as notifications are', async () => {
    let refusals = 0;
    receiver.answer = (r: ReceivedRequest) => (r.path === '/flaky' && refusals++ === 0 ? 503 : 200);
    try {
      const api = new ZaqarClient(running.server.url);
      await api.subscribe('jobs', { subscriber: receiver.url('/flaky') });
      const [refused, delivered] = await receiver.waitFor('/flaky', 2);
      expect(refused.status).toBe(503);
      expect(delivered.status).toBe(200);
      expect(delivered.body).toBe(refused.body);
    } finally {
      receiver.answer = () => 200;
    }
  });

  it('a socket subscribing itself needs no confirmation: it is pushed messages at once', async () => {
    const socket = await ZaqarSocket.open(Number(env.WS_PORT));
    const api = new ZaqarClient(running.server.url);
    const headers = { 'Client-ID': randomUUID(), 'X-Project-ID': api.project };
    const created = await socket.call({ action: 'subscription_create', headers, body: { queue_name: 'live' } });
    expect(created.headers.status).toBe(201);
    const shown = await api.request('GET', `/v2/queues/live/subscriptions/${created.body.subscription_id}`);
    expect(shown.body.confirmed).toBe(true);
    await api.request('POST', '/v2/queues/live/messages', { json: { messages: [{ body: 'now' }] } });
    await until(() => socket.pushes.length === 1);
    expect(socket.pushes[0]).toMatchObject({ body: 'now', Message_Type: 'Notification' });
    socket.close();
  });
});

describe.each(BACKENDS)('subscription confirmation settings [%s]', (_name, makeBackend) => {
  const off = serversOnFreshStore(makeBackend, 1, { SIGNED_URL_SECRET_KEY: SECRET });
  const public_ = serversOnFreshStore(makeBackend, 1, {
    ...CONFIRMING,
    PUBLIC_URL: 'https://zaqar.example.com:8443/messaging',
    PUBLIC_WEBSOCKET_URL: 'wss://zaqar.example.com:9000',
  });
  const keyless = serversOnFreshStore(makeBackend, 1, { REQUIRE_CONFIRMATION: 'true' });
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterAll(() => receiver.stop());

  it('with require_confirmation off nothing extra is sent, and messages go out at once', async () => {
    const api = new ZaqarClient(off.server.url);
    await api.subscribe('jobs', { subscriber: receiver.url('/off') });
    const id = (await api.get('/v2/queues/jobs/subscriptions')).body.subscriptions[0].id;
    await quiet();
    expect(receiver.at('/off')).toEqual([]);
    expect((await api.put(`/v2/queues/jobs/subscriptions/${id}/confirm`, { json: { confirmed: false } })).status).toBe(
      204,
    );
    await api.postMessages('jobs', [{ body: 'direct' }]);
    const [request] = await receiver.waitFor('/off', 1);
    expect(JSON.parse(request.body)).toMatchObject({ body: 'direct', Message_Type: 'Notification' });
    await quiet();
    expect(receiver.at('/off')).toHaveLength(1);
  });

  it('PUBLIC_URL and PUBLIC_WEBSOCKET_URL are where the links point (the path replaces theirs, as urljoin does)', async () => {
    const api = new ZaqarClient(public_.server.url);
    const id = await api.subscribe('jobs', { subscriber: receiver.url('/public') });
    const [request] = await receiver.waitFor('/public', 1);
    expect(JSON.parse(request.body)).toMatchObject({
      WSGISubscribeURL: `https://zaqar.example.com:8443/v2/queues/jobs/subscriptions/${id}/confirm`,
      WebSocketSubscribeURL: `wss://zaqar.example.com:9000/v2/queues/jobs/subscriptions/${id}/confirm`,
    });
    expect(Object.keys(JSON.parse(request.body)).slice(0, 3)).toEqual([
      'WSGISubscribeURL',
      'WebSocketSubscribeURL',
      'Message_Type',
    ]);
  });

  it('without a signed-URL key the subscription is made but nothing is sent (as Zaqar), and the log says why', async () => {
    const api = new ZaqarClient(keyless.server.url);
    const id = await api.subscribe('jobs', { subscriber: receiver.url('/keyless') });
    await api.postMessages('jobs', [{ body: 'unconfirmed' }]);
    await quiet();
    expect(receiver.at('/keyless')).toEqual([]);
    expect(keyless.server.output()).toContain(
      `No SubscriptionConfirmation for subscription ${id}: require_confirmation is on but [signed_url] secret_key`,
    );
    // the owner can still confirm it
    expect((await api.put(`/v2/queues/jobs/subscriptions/${id}/confirm`, { json: { confirmed: true } })).status).toBe(
      204,
    );
    await api.postMessages('jobs', [{ body: 'confirmed' }]);
    const [request] = await receiver.waitFor('/keyless', 1);
    expect(request.body).toContain('"confirmed"');
  });
});

describe.each(BACKENDS)('subscription confirmation by email [%s]', (_name, makeBackend) => {
  const page = 'https://example.com/confirm';
  const env: Record<string, string> = { ...CONFIRMING, EXTERNAL_CONFIRMATION_URL: page };
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  // before the server's own beforeAll, which reads env
  beforeAll(async () => {
    sink = await smtpSink();
    env.SMTP_PORT = String(sink.port);
  });
  const running = serversOnFreshStore(makeBackend, 1, env);
  afterAll(() => new Promise<void>((resolve) => sink.server.close(() => resolve())));

  async function mailTo(to: string, count: number) {
    const deadline = Date.now() + 10_000;
    const mine = () => sink.received.filter((mail) => mail.to.includes(to));
    while (mine().length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(mine()).toHaveLength(count);
    return mine();
  }

  it("a mailto subscriber gets Zaqar's confirmation email, and its unsubscribe email, linking to the page", async () => {
    const api = new ZaqarClient(running.server.url);
    const id = await api.subscribe('jobs', { subscriber: 'mailto:ops@example.com', ttl: 600 });
    const [mail] = await mailTo('ops@example.com', 1);
    const path = `/v2/queues/jobs/subscriptions/${id}/confirm`;
    const expires = /&Expires=([^&]+)&/.exec(mailBody(mail.raw))![1];
    expectExpiry(expires, 600);
    const link =
      `${page}?Signature=${zaqarSignature(path, api.project, expires)}&Methods=PUT&Paths=${path}` +
      `&Project=${api.project}&Expires=${expires}&Url=${running.server.url}${path}&Queue=jobs`;
    expect(mailHeader(mail.raw, 'From')).toBe('Zaqar Notifications <no-reply@openstack.org>');
    expect(mailHeader(mail.raw, 'Subject')).toBe('Zaqar Notification - Subscription Confirmation');
    expect(mailBody(mail.raw).replace(/\s+/g, ' ')).toBe(
      `You have chosen to subscribe to the queue: jobs. This queue belongs to project: ${api.project}. ` +
        `To confirm this subscription, click or visit this link below: ${link}`,
    );

    expect((await api.put(path, { json: { confirmed: false } })).status).toBe(204);
    const [, unsubscribed] = await mailTo('ops@example.com', 2);
    expect(mailHeader(unsubscribed.raw, 'Subject')).toBe('Zaqar Notification - Unsubscribe Confirmation');
    expect(mailBody(unsubscribed.raw)).toContain('You have unsubscribed successfully to the queue: jobs.');
  });
});
