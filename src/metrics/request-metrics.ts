import type { Metric, Registry } from 'prom-client';

/** Seconds; long polls (wait up to 20 s) land in the last ones. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25];

type Labels = Record<string, string | number>;

/** Requests answered for one (route, method, status): counts per bucket (not cumulative), +Inf last. */
interface Series {
  labels: Labels;
  count: number;
  sum: number;
  buckets: number[];
}

/** Records one answered request: its status and how long it took, in seconds. */
export type RequestRecorder = (status: number, seconds: number) => void;

/**
 * Request counts and latencies by route pattern, method and status. The hot path adds to plain
 * numbers; prom-client's labelled children hash their labels into a string on every call (0.6-1
 * µs per request for a counter and a histogram, measured), which the post benchmark would feel.
 * The series are shown to the registry as prom-client's own counter and histogram would show them.
 */
export class RequestMetrics {
  private readonly series: Series[] = [];

  constructor(registry: Registry) {
    const exported: ExportedMetric[] = [
      {
        name: 'zaqar_http_requests_total',
        help: 'HTTP requests answered, by route pattern, method and status.',
        type: 'counter',
        values: () => this.series.map((s) => ({ labels: s.labels, value: s.count })),
      },
      {
        name: 'zaqar_http_request_duration_seconds',
        help: 'Time from the request to its answer, by route pattern, method and status.',
        type: 'histogram',
        values: () => this.series.flatMap(histogramValues),
      },
    ];
    for (const metric of exported) registry.registerMetric(asRegistered(metric));
  }

  /** The recorder of one route's method; each status gets its series on first use. */
  recorder(route: string, method: string): RequestRecorder {
    const byStatus = new Map<number, Series>();
    return (status, seconds) => {
      let series = byStatus.get(status);
      if (series === undefined) {
        const labels = { route, method, status: String(status) };
        series = { labels, count: 0, sum: 0, buckets: new Array<number>(LATENCY_BUCKETS.length + 1).fill(0) };
        byStatus.set(status, series);
        this.series.push(series);
      }
      series.count++;
      series.sum += seconds;
      let bucket = 0;
      while (bucket < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[bucket]) bucket++;
      series.buckets[bucket]++;
    };
  }
}

interface ExportedMetric {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  values(): Array<{ labels: Labels; value: number; metricName?: string }>;
}

/** Prometheus's cumulative buckets, then _sum and _count, as prom-client's Histogram lists them. */
function histogramValues(series: Series) {
  let cumulative = 0;
  const buckets = series.buckets.map((count, i) => {
    cumulative += count;
    const le = i < LATENCY_BUCKETS.length ? LATENCY_BUCKETS[i] : '+Inf';
    return {
      metricName: 'zaqar_http_request_duration_seconds_bucket',
      labels: { ...series.labels, le },
      value: cumulative,
    };
  });
  return [
    ...buckets,
    { metricName: 'zaqar_http_request_duration_seconds_sum', labels: series.labels, value: series.sum },
    { metricName: 'zaqar_http_request_duration_seconds_count', labels: series.labels, value: series.count },
  ];
}

/**
 * prom-client's registry takes any object with a name and a get() answering the metric's values
 * (its cluster aggregation reads `aggregator` too: workers' requests add up); its types name only
 * its own classes.
 */
function asRegistered(metric: ExportedMetric): Metric {
  const { name, help, type } = metric;
  const aggregator = 'sum';
  return {
    name,
    help,
    type,
    aggregator,
    get: async () => ({ name, help, type, aggregator, values: metric.values() }),
  } as unknown as Metric;
}
