import type { FastifyRequest } from 'fastify';
import type { DestinationStream } from 'pino';
import { RequestLines } from './request-log';

function request(n: number): FastifyRequest {
  return {
    id: `req-${n}`,
    url: '/v2/queues?limit=1',
    method: 'GET',
    headers: {},
    routeOptions: { url: '/v2/queues' },
  } as unknown as FastifyRequest;
}

describe('request lines', () => {
  let written: string;
  const stream: DestinationStream = { write: (chunk: string) => void (written += chunk) };
  const lines = () =>
    written
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeEach(() => {
    written = '';
    jest.useFakeTimers({ now: new Date('2026-12-07T12:00:00.000Z') });
  });
  afterEach(() => jest.useRealTimers());

  it('writes a JSON line per request without its query, in batches', () => {
    const log = new RequestLines(stream, Infinity);
    log.write(request(1), 200, 1.23456);
    expect(written).toBe('');
    jest.advanceTimersByTime(20);
    expect(lines()).toEqual([
      expect.objectContaining({ level: 30, request_id: 'req-1', path: '/v2/queues', status: 200, duration_ms: 1.235 }),
    ]);
  });

  it('over its budget in a second, counts the lines it skips and reports the count when the second ends', () => {
    const log = new RequestLines(stream, 2);
    for (let n = 0; n < 5; n++) log.write(request(n), 200, 1);
    log.write(request(5), 503, 1); // a server error is always logged
    jest.advanceTimersByTime(1000);
    log.write(request(6), 200, 1); // a new second, a new budget
    jest.advanceTimersByTime(20);
    expect(lines().map((line) => line.request_id ?? `skipped ${line.skipped}`)).toEqual([
      'req-0',
      'req-1',
      'req-5',
      'skipped 3',
      'req-6',
    ]);
    expect(lines()[3]).toMatchObject({ level: 30, msg: 'request lines skipped' });
  });
});
