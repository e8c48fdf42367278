import { AggregatorRegistry, Registry } from 'prom-client';
import { RequestMetrics } from './request-metrics';

const ROUTE = '/v2/queues/:queue/messages';
const POSTED = `route="${ROUTE}",method="POST",status="201"`;

function lines(text: string, prefix: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(prefix));
}

describe('RequestMetrics', () => {
  it('counts requests by route pattern, method and status, and keeps cumulative latency buckets', async () => {
    const registry = new Registry();
    const requests = new RequestMetrics(registry);
    const post = requests.recorder(ROUTE, 'POST');
    post(201, 0.0004);
    post(201, 0.003);
    post(201, 30);
    post(400, 0.002);
    const text = await registry.metrics();

    expect(text).toContain('# TYPE zaqar_http_requests_total counter');
    expect(lines(text, 'zaqar_http_requests_total')).toEqual([
      `zaqar_http_requests_total{${POSTED}} 3`,
      `zaqar_http_requests_total{route="${ROUTE}",method="POST",status="400"} 1`,
    ]);
    expect(text).toContain('# TYPE zaqar_http_request_duration_seconds histogram');
    const buckets = lines(text, `zaqar_http_request_duration_seconds_bucket{${POSTED}`);
    expect(buckets[0]).toBe(`zaqar_http_request_duration_seconds_bucket{${POSTED},le="0.001"} 1`);
    expect(buckets).toContain(`zaqar_http_request_duration_seconds_bucket{${POSTED},le="0.005"} 2`);
    expect(buckets).toContain(`zaqar_http_request_duration_seconds_bucket{${POSTED},le="25"} 2`);
    expect(buckets[buckets.length - 1]).toBe(`zaqar_http_request_duration_seconds_bucket{${POSTED},le="+Inf"} 3`);
    expect(lines(text, `zaqar_http_request_duration_seconds_count{${POSTED}}`)).toEqual([
      `zaqar_http_request_duration_seconds_count{${POSTED}} 3`,
    ]);
    expect(lines(text, `zaqar_http_request_duration_seconds_sum{${POSTED}}`)[0]).toMatch(/ 30\.0034\d*$/);
  });

  it("adds up across processes as prom-client's cluster aggregation reads them", async () => {
    const workers = [new Registry(), new Registry()].map((registry) => {
      new RequestMetrics(registry).recorder(ROUTE, 'POST')(201, 0.002);
      return registry;
    });
    const aggregated = AggregatorRegistry.aggregate(await Promise.all(workers.map((r) => r.getMetricsAsJSON())));
    const text = await aggregated.metrics();
    expect(lines(text, 'zaqar_http_requests_total{')).toEqual([`zaqar_http_requests_total{${POSTED}} 2`]);
    expect(text).toContain(`zaqar_http_request_duration_seconds_bucket{${POSTED},le="+Inf"} 2`);
  });
});
