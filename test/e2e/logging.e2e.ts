import { randomUUID } from 'node:crypto';
import { BACKENDS } from '../support/backends';
import { serversOnFreshStore } from '../support/lifecycle';
import type { StartedServer } from '../support/server';
import { until } from '../support/wait';
import { ZaqarClient } from './client';

const REQUEST_ID = /^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface RequestLine {
  level: number;
  time: string;
  msg: string;
  request_id: string;
  global_request_id?: string;
  method: string;
  route: string | null;
  path: string;
  status: number;
  duration_ms: number;
  project: string | null;
}

/** Every line the server wrote, each parsed as JSON: a line that is not JSON fails the test. */
function logLines(server: StartedServer): Array<Record<string, unknown>> {
  return server
    .output()
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`a log line is not JSON: ${line}`);
      }
    });
}

/** The request line of the request answered with this id, once the server has written it. */
async function lineOf(server: StartedServer, requestId: string): Promise<RequestLine> {
  let found: RequestLine | undefined;
  await until(() => {
    found = logLines(server).find((line) => line.request_id === requestId) as RequestLine | undefined;
    return found !== undefined;
  });
  return found!;
}

describe.each(BACKENDS)('structured request logs [%s]', (_name, makeBackend) => {
  const running = serversOnFreshStore(makeBackend, 1, { LOG_LEVEL: 'info' });
  let api: ZaqarClient;

  beforeEach(() => {
    api = new ZaqarClient(running.server.url);
  });

  it('writes one JSON line per request with its id, method, route, path, status, duration and project', async () => {
    const queue = `logs-${randomUUID().slice(0, 8)}`;
    const created = await api.put(`/v2/queues/${queue}`, { json: {} });
    expect(created.status).toBe(201);
    const requestId = created.headers.get('x-openstack-request-id')!;
    expect(requestId).toMatch(REQUEST_ID);
    const line = await lineOf(running.server, requestId);
    expect(line).toEqual({
      level: 30,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      pid: expect.any(Number),
      hostname: expect.any(String),
      msg: 'request',
      request_id: requestId,
      method: 'PUT',
      route: '/v2/queues/:queue',
      path: `/v2/queues/${queue}`,
      status: 201,
      duration_ms: expect.any(Number),
      project: api.project,
    });
    expect(logLines(running.server).filter((l) => l.request_id === requestId)).toHaveLength(1);
  });

  it('every answer carries its own request id; a well-formed inbound id is logged as the global one', async () => {
    const inbound = `req-${randomUUID()}`;
    const first = await api.get('/v2/queues', { headers: { 'X-Openstack-Request-ID': inbound } });
    const second = await api.get('/v2/queues', { headers: { 'X-Openstack-Request-ID': 'req-not-an-id' } });
    const [firstId, secondId] = [first, second].map((res) => res.headers.get('x-openstack-request-id')!);
    expect(firstId).toMatch(REQUEST_ID);
    expect(secondId).toMatch(REQUEST_ID);
    expect(new Set([firstId, secondId, inbound]).size).toBe(3);
    expect((await lineOf(running.server, firstId)).global_request_id).toBe(inbound);
    expect((await lineOf(running.server, secondId)).global_request_id).toBeUndefined();
  });

  it('errors and unrouted paths are logged with their status, and answered with a request id too', async () => {
    const missing = await api.get(`/v2/queues/q-${randomUUID().slice(0, 8)}/messages/0123456789abcdef01234567`);
    expect(missing.status).toBe(404);
    const unrouted = await api.get('/v2/nowhere');
    expect(unrouted.status).toBe(404);
    const noProject = await api.get('/v2/queues', { headers: { 'X-Project-ID': null } });
    expect(noProject.status).toBe(400);
    expect(await lineOf(running.server, missing.headers.get('x-openstack-request-id')!)).toMatchObject({
      status: 404,
      route: '/v2/queues/:queue/messages/:message',
    });
    expect(await lineOf(running.server, unrouted.headers.get('x-openstack-request-id')!)).toMatchObject({
      status: 404,
      route: null,
      path: '/v2/nowhere',
    });
    expect(await lineOf(running.server, noProject.headers.get('x-openstack-request-id')!)).toMatchObject({
      status: 400,
      project: null,
    });
  });

  it('never contains a token, a URL signature, a query string or a message body', async () => {
    const token = `token-${randomUUID()}`;
    const signature = `signature-${randomUUID()}`;
    const body = `body-${randomUUID()}`;
    const claimId = `claim-${randomUUID()}`;
    const queue = `secrets-${randomUUID().slice(0, 8)}`;
    const posted = await api.post(`/v2/queues/${queue}/messages`, {
      json: { messages: [{ ttl: 300, body: { secret: body } }] },
      headers: { 'X-Auth-Token': token },
    });
    expect(posted.status).toBe(201);
    const id = posted.body.resources[0].split('/').pop();
    const listed = await api.get(`/v2/queues/${queue}/messages`, { query: { echo: true } });
    expect(JSON.stringify(listed.body)).toContain(body);
    const refused = await api.delete(`/v2/queues/${queue}/messages/${id}`, { query: { claim_id: claimId } });
    expect(refused.status).toBe(400);
    const signed = await api.get(`/v2/queues/${queue}/messages`, {
      headers: { 'URL-Signature': signature, 'URL-Expires': '2099-01-01T00:00:00', 'URL-Methods': 'GET' },
    });
    await lineOf(running.server, signed.headers.get('x-openstack-request-id')!);
    const output = running.server.output();
    for (const secret of [token, signature, body, claimId]) expect(output).not.toContain(secret);
  });
});

describe('log settings', () => {
  const backend = BACKENDS[0][1];

  describe('LOG_FORMAT=pretty', () => {
    const running = serversOnFreshStore(backend, 1, { LOG_LEVEL: 'info', LOG_FORMAT: 'pretty' });

    it('writes human-readable lines instead of JSON', async () => {
      const res = await new ZaqarClient(running.server.url).get('/v2/queues');
      const requestId = res.headers.get('x-openstack-request-id')!;
      await until(() => running.server.output().includes(requestId));
      const line = running.server
        .output()
        .split('\n')
        .find((l) => l.includes(requestId))!;
      expect(() => JSON.parse(line)).toThrow();
      expect(line).toContain('request');
      expect(running.server.output()).toContain('/v2/queues');
    });
  });

  describe('LOG_LEVEL=warn', () => {
    const running = serversOnFreshStore(backend, 1, { LOG_LEVEL: 'warn' });

    it('logs no request lines, and still answers request ids', async () => {
      const res = await new ZaqarClient(running.server.url).get('/v2/queues');
      expect(res.headers.get('x-openstack-request-id')).toMatch(REQUEST_ID);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(running.server.output()).not.toContain(res.headers.get('x-openstack-request-id'));
    });
  });
});

describe('LOG_REQUESTS_PER_SECOND', () => {
  const running = serversOnFreshStore(BACKENDS[0][1], 1, { LOG_LEVEL: 'info', LOG_REQUESTS_PER_SECOND: '5' });

  it('writes at most that many request lines a second and then the count of those it skipped', async () => {
    const api = new ZaqarClient(running.server.url);
    const answers = await Promise.all(Array.from({ length: 40 }, () => api.get('/v2/queues')));
    const ids = new Set(answers.map((res) => res.headers.get('x-openstack-request-id')));
    const skippedCount = () =>
      logLines(running.server)
        .filter((line) => line.msg === 'request lines skipped')
        .reduce((sum, line) => sum + (line.skipped as number), 0);
    const requestLines = () => logLines(running.server).filter((line) => ids.has(line.request_id as string));
    await until(() => requestLines().length + skippedCount() >= 40, 5_000);
    expect(requestLines().length + skippedCount()).toBe(40);
    expect(skippedCount()).toBeGreaterThan(0);
    const perSecond = new Map<string, number>();
    for (const line of requestLines()) {
      const second = (line.time as string).slice(0, 19);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    }
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(5);
  });
});
