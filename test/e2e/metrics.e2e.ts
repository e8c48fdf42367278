import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { BACKENDS, TestBackend } from '../support/backends';
import { serversOnFreshStore } from '../support/lifecycle';
import { Exposition, parsePrometheusText, samplesOf, valueOf } from '../support/prometheus-text';
import { freePort, startServer, StartedServer } from '../support/server';
import { WebhookReceiver } from '../support/webhook-receiver';
import { ZaqarSocket } from '../support/zaqar-socket';
import { policyDenied, pollUntil } from './auth-support';
import { lastSegment, ZaqarClient } from './client';

const TOKEN = 'scrape-token-for-the-e2e-tests';
const ADMIN = { 'X-Project-ID': 'operators', 'X-Roles': 'admin' };
const MESSAGES_ROUTE = '/v2/queues/:queue/messages';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/**
 * One request on a connection of its own: with WORKERS, the primary hands each new connection to
 * the next worker, so consecutive requests reach different processes.
 */
function request(url: string, method: string, headers: Record<string, string>, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const sent = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(sent);
  });
}

async function scrapeAs(server: StartedServer, headers: Record<string, string>): Promise<Answer> {
  return request(`${server.url}/metrics`, 'GET', headers);
}

/** The parsed metrics as an admin reads them. */
async function scrape(server: StartedServer): Promise<Exposition> {
  const answer = await scrapeAs(server, ADMIN);
  if (answer.status !== 200) throw new Error(`GET /metrics answered ${answer.status}: ${answer.text}`);
  return parsePrometheusText(answer.text);
}

/** Scrapes until `done` holds (deliveries happen in the background), or gives the last scrape. */
async function scrapeUntil(server: StartedServer, done: (metrics: Exposition) => boolean): Promise<Exposition> {
  return (await pollUntil(() => scrape(server), done, 15_000, 100)).result;
}

const counter = (metrics: Exposition, name: string, labels: Record<string, string> = {}) =>
  valueOf(metrics, name, labels) ?? 0;

function queueLabels(api: ZaqarClient, queue: string) {
  return { space: 'queues', project: api.project, queue };
}

describe.each(BACKENDS)('GET /metrics [%s]', (_name, makeBackend) => {
  const env: Record<string, string> = { METRICS_TOKEN: TOKEN };
  beforeAll(async () => {
    env.WS_PORT = String(await freePort());
  });
  const running = serversOnFreshStore(makeBackend, 1, env);
  const server = () => running.server;

  it('answers Prometheus text: every sample is `name{labels} value` under its HELP and TYPE', async () => {
    await new ZaqarClient(server().url).postMessages('parsed', [{ body: 1 }]);
    const answer = await scrapeAs(server(), ADMIN);
    expect([answer.status, answer.headers['content-type']]).toEqual([200, 'text/plain; version=0.0.4; charset=utf-8']);
    const metrics = parsePrometheusText(answer.text);
    expect(metrics.types.get('zaqar_http_requests_total')).toBe('counter');
    expect(metrics.types.get('zaqar_http_request_duration_seconds')).toBe('histogram');
    expect(metrics.types.get('zaqar_queue_messages')).toBe('gauge');
    // prom-client's default process metrics, event-loop lag among them
    expect(metrics.types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
    expect(metrics.types.get('process_cpu_seconds_total')).toBe('counter');
  });

  it('10 posted messages raise the posted counter by exactly 10 and the depth gauge to 10; claims and deletes follow', async () => {
    const api = new ZaqarClient(server().url);
    const labels = queueLabels(api, 'depth');
    const before = await scrape(server());
    await api.postMessages('depth', [{ body: 0 }, { body: 1 }]);
    await api.postMessages(
      'depth',
      Array.from({ length: 8 }, (_, n) => ({ body: n + 2 })),
    );
    let after = await scrape(server());
    const rise = (name: string) => counter(after, name) - counter(before, name);
    expect(rise('zaqar_messages_posted_total')).toBe(10);
    expect(valueOf(after, 'zaqar_queue_messages', labels)).toBe(10);
    expect(valueOf(after, 'zaqar_queue_messages_claimed', labels)).toBe(0);
    expect(valueOf(after, 'zaqar_queue_oldest_message_age_seconds', labels)).toBeGreaterThanOrEqual(0);

    const { claimId, messages } = await api.claim('depth', { ttl: 300, grace: 60 }, 3);
    after = await scrape(server());
    expect(rise('zaqar_messages_claimed_total')).toBe(3);
    expect(valueOf(after, 'zaqar_queue_messages_claimed', labels)).toBe(3);

    // acknowledged by ids with the claim, one more by id, two popped: 6 deleted in all
    const ids = messages.map((m) => lastSegment(m.href));
    expect(
      (await api.delete('/v2/queues/depth/messages', { query: { ids: ids.join(','), claim_ids: claimId! } })).status,
    ).toBe(204);
    const [free] = (await api.get('/v2/queues/depth/messages', { query: { limit: 1, echo: true } })).body.messages;
    expect((await api.delete(`/v2/queues/depth/messages/${free.id}`)).status).toBe(204);
    expect((await api.delete('/v2/queues/depth/messages', { query: { pop: 2 } })).status).toBe(200);
    after = await scrape(server());
    expect(rise('zaqar_messages_deleted_total')).toBe(6);
    expect(valueOf(after, 'zaqar_queue_messages', labels)).toBe(4);
    expect(valueOf(after, 'zaqar_queue_messages_claimed', labels)).toBe(0);
  });

  it("a deleted queue's series end", async () => {
    const api = new ZaqarClient(server().url);
    await api.postMessages('short-lived', [{ body: 1 }]);
    expect(valueOf(await scrape(server()), 'zaqar_queue_messages', queueLabels(api, 'short-lived'))).toBe(1);
    expect((await api.delete('/v2/queues/short-lived')).status).toBe(204);
    const after = await scrape(server());
    expect(samplesOf(after, 'zaqar_queue_messages', { project: api.project })).toEqual([]);
  });

  it('counts messages posted over the WebSocket protocol too: the services count, not the transports', async () => {
    const before = await scrape(server());
    const ws = await ZaqarSocket.open(Number(env.WS_PORT));
    try {
      const headers = { 'Client-ID': randomUUID(), 'X-Project-ID': `ws-${randomUUID()}` };
      const answer = await ws.call({
        action: 'message_post',
        headers,
        body: { queue_name: 'over-ws', messages: [{ body: 1 }, { body: 2 }, { body: 3 }] },
      });
      expect(answer.headers.status).toBe(201);
    } finally {
      ws.close();
    }
    const after = await scrape(server());
    expect(counter(after, 'zaqar_messages_posted_total') - counter(before, 'zaqar_messages_posted_total')).toBe(3);
  });

  it('counts and times requests by route pattern, method and status, never by the raw path', async () => {
    const api = new ZaqarClient(server().url);
    const queue = `raw-${randomUUID()}`;
    const before = await scrape(server());
    await api.postMessages(queue, [{ body: 1 }]);
    await api.postMessages(queue, [{ body: 2 }]);
    expect((await api.post(`/v2/queues/${queue}/messages`, { json: { messages: [] } })).status).toBe(400);
    const after = await scrape(server());
    const posted = { route: MESSAGES_ROUTE, method: 'POST', status: '201' };
    const refused = { ...posted, status: '400' };
    const rise = (name: string, labels: Record<string, string>) =>
      counter(after, name, labels) - counter(before, name, labels);
    expect(rise('zaqar_http_requests_total', posted)).toBe(2);
    expect(rise('zaqar_http_requests_total', refused)).toBe(1);
    expect(rise('zaqar_http_request_duration_seconds_count', posted)).toBe(2);
    expect(rise('zaqar_http_request_duration_seconds_bucket', { ...posted, le: '+Inf' })).toBe(2);
    expect(counter(after, 'zaqar_http_request_duration_seconds_sum', posted)).toBeGreaterThan(0);
    expect(after.samples.filter((sample) => sample.labels.route?.includes(queue))).toEqual([]);
  });

  it('counts a message a claim moves to the dead-letter queue, and the dead-letter queue gets its series', async () => {
    const api = new ZaqarClient(server().url);
    await api.createQueue('work', { _max_claim_count: 1, _dead_letter_queue: 'graveyard' });
    await api.postMessages('work', [{ body: 'poison' }]);
    const before = await scrape(server());
    const first = await api.claim('work', { ttl: 60, grace: 60 });
    expect((await api.delete(`/v2/queues/work/claims/${first.claimId}`)).status).toBe(204);
    expect((await api.claim('work', { ttl: 60, grace: 60 })).claimId).toBeNull();
    const after = await scrape(server());
    const rise = (name: string) => counter(after, name) - counter(before, name);
    expect(rise('zaqar_messages_dead_lettered_total')).toBe(1);
    expect(rise('zaqar_messages_claimed_total')).toBe(1);
    expect(valueOf(after, 'zaqar_queue_messages', queueLabels(api, 'work'))).toBe(0);
    expect(valueOf(after, 'zaqar_queue_messages', queueLabels(api, 'graveyard'))).toBe(1);
  });

  describe('access', () => {
    it('refuses a project member with policy 403 naming metrics:get', async () => {
      const answer = await scrapeAs(server(), { 'X-Project-ID': 'tenant', 'X-Roles': 'member' });
      expect([answer.status, JSON.parse(answer.text)]).toEqual([403, policyDenied('metrics:get')]);
    });

    it('refuses a caller without credentials (noauth: no roles, so the policy refuses)', async () => {
      const answer = await scrapeAs(server(), {});
      expect([answer.status, JSON.parse(answer.text)]).toEqual([403, policyDenied('metrics:get')]);
    });

    it('serves an admin, who needs neither a Client-ID nor a project', async () => {
      expect((await scrapeAs(server(), { 'X-Roles': 'admin' })).status).toBe(200);
    });

    it('serves METRICS_TOKEN as a bearer token without other credentials, and refuses any other bearer', async () => {
      expect((await scrapeAs(server(), { Authorization: `Bearer ${TOKEN}` })).status).toBe(200);
      const wrong = await scrapeAs(server(), { Authorization: `Bearer ${TOKEN}x` });
      expect([wrong.status, JSON.parse(wrong.text)]).toEqual([403, policyDenied('metrics:get')]);
      const member = await scrapeAs(server(), { Authorization: 'Bearer nope', 'X-Roles': 'member' });
      expect(member.status).toBe(403);
    });
  });

  describe('notification deliveries', () => {
    let receiver: WebhookReceiver;
    beforeAll(async () => {
      receiver = await WebhookReceiver.start();
    });
    afterAll(() => receiver.stop());

    const webhook = (metrics: Exposition, name: string) => counter(metrics, name, { target: 'webhook' });

    async function subscribedQueue(path: string, options: Record<string, unknown> = {}): Promise<ZaqarClient> {
      const api = new ZaqarClient(server().url);
      await api.subscribe('hooked', { subscriber: receiver.url(path), ttl: 600, options });
      return api;
    }

    it('a delivered notification counts as delivered', async () => {
      const api = await subscribedQueue('/ok');
      const before = await scrape(server());
      const was = webhook(before, 'zaqar_notifications_delivered_total');
      await api.postMessages('hooked', [{ body: 'hello' }]);
      await receiver.waitFor('/ok', 1);
      const after = await scrapeUntil(server(), (m) => webhook(m, 'zaqar_notifications_delivered_total') > was);
      expect(webhook(after, 'zaqar_notifications_delivered_total') - was).toBe(1);
      expect(webhook(after, 'zaqar_notification_attempts_failed_total')).toBe(
        webhook(before, 'zaqar_notification_attempts_failed_total'),
      );
    });

    it('a receiver answering 500 once counts a failed attempt and a retry, then the delivery', async () => {
      receiver.answer = (r) => (r.path === '/flaky' && receiver.at('/flaky').length === 0 ? 500 : 200);
      const api = await subscribedQueue('/flaky', { _retry_policy: { retries_with_no_delay: 1 } });
      const before = await scrape(server());
      const rise = (m: Exposition, name: string) => webhook(m, name) - webhook(before, name);
      await api.postMessages('hooked', [{ body: 'again' }]);
      await receiver.waitFor('/flaky', 2);
      const after = await scrapeUntil(server(), (m) => rise(m, 'zaqar_notifications_delivered_total') > 0);
      expect(rise(after, 'zaqar_notification_attempts_failed_total')).toBe(1);
      expect(rise(after, 'zaqar_notifications_retried_total')).toBe(1);
      expect(rise(after, 'zaqar_notifications_delivered_total')).toBe(1);
      expect(rise(after, 'zaqar_notifications_dead_lettered_total')).toBe(0);
    });

    it('a receiver refusing (400) counts a failed attempt, and the delivery moves to the failed list', async () => {
      receiver.answer = (r) => (r.path === '/refusing' ? 400 : 200);
      const api = await subscribedQueue('/refusing');
      const before = await scrape(server());
      const rise = (m: Exposition, name: string) => webhook(m, name) - webhook(before, name);
      await api.postMessages('hooked', [{ body: 'no' }]);
      const after = await scrapeUntil(server(), (m) => rise(m, 'zaqar_notifications_dead_lettered_total') > 0);
      expect(rise(after, 'zaqar_notification_attempts_failed_total')).toBe(1);
      expect(rise(after, 'zaqar_notifications_retried_total')).toBe(0);
      expect(rise(after, 'zaqar_notifications_dead_lettered_total')).toBe(1);
    });
  });
});

describe.each(BACKENDS)('GET /metrics with WORKERS=2 [%s]', (_name, makeBackend) => {
  let backend: TestBackend;
  let server: StartedServer;

  beforeAll(async () => {
    backend = await makeBackend();
    server = await startServer({ storageUrl: backend.url, env: { ...backend.env, WORKERS: '2' } });
    // both workers listening, or the first posts all go to one
    await pollUntil(
      async () => server.output().match(/server worker \d+ listening/g)?.length ?? 0,
      (listening) => listening === 2,
      15_000,
    );
  });

  afterAll(async () => {
    await server?.kill();
    await backend?.drop();
  });

  it('every scrape, whichever worker answers it, counts the posts of both', async () => {
    const project = `workers-${randomUUID()}`;
    const headers = { 'Client-ID': randomUUID(), 'X-Project-ID': project, 'Content-Type': 'application/json' };
    for (let n = 0; n < 20; n++) {
      const posted = await request(`${server.url}/v2/queues/spread/messages`, 'POST', headers, {
        messages: [{ body: n }],
      });
      expect(posted.status).toBe(201);
    }
    for (let scrapes = 0; scrapes < 6; scrapes++) {
      const metrics = await scrape(server);
      expect(counter(metrics, 'zaqar_messages_posted_total')).toBe(20);
      const posts = { route: MESSAGES_ROUTE, method: 'POST', status: '201' };
      expect(counter(metrics, 'zaqar_http_requests_total', posts)).toBe(20);
      // both workers track the queue and read the same store: the gauge is not doubled
      expect(valueOf(metrics, 'zaqar_queue_messages', { space: 'queues', project, queue: 'spread' })).toBe(20);
    }
  });
});

describe.each(BACKENDS)('METRICS=off [%s]', (_name, makeBackend) => {
  const running = serversOnFreshStore(makeBackend, 1, { METRICS: 'off', METRICS_TOKEN: TOKEN });

  it('serves no /metrics: 404, for admins and the token alike', async () => {
    for (const headers of [ADMIN, { Authorization: `Bearer ${TOKEN}` }]) {
      const answer = await scrapeAs(running.server, headers);
      expect([answer.status, JSON.parse(answer.text)]).toEqual([
        404,
        { title: '404 Not Found', description: 'The resource /metrics does not exist.' },
      ]);
    }
  });
});
