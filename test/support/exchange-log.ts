import type { ApiResponse } from '../e2e/client';

/** One request of a load test: what was asked, when, how long the answer took, and what it was. */
export interface Exchange {
  kind: string;
  /** The server asked (its base URL). */
  server: string;
  started: number;
  ms: number;
  /** The HTTP status, or 'no answer' when the connection failed (a dead server). */
  status: number | 'no answer';
}

/**
 * Times and records requests under load. ZaqarClient throws on a 5xx; here a 5xx is recorded
 * like any status, so a test can count them instead of stopping at the first.
 */
export class ExchangeLog {
  readonly exchanges: Exchange[] = [];

  /** Runs the request: what was recorded, and the response unless it was a 5xx or no answer. */
  async time<T>(
    kind: string,
    server: string,
    request: () => Promise<ApiResponse<T>>,
  ): Promise<{ exchange: Exchange; response?: ApiResponse<T> }> {
    const started = Date.now();
    const record = (status: Exchange['status']) => {
      const exchange = { kind, server, started, ms: Date.now() - started, status };
      this.exchanges.push(exchange);
      return exchange;
    };
    try {
      const response = await request();
      return { exchange: record(response.status), response };
    } catch (error) {
      const serverError = /^server error (\d+)/.exec((error as Error).message);
      return { exchange: record(serverError ? Number(serverError[1]) : 'no answer') };
    }
  }

  /** The exchanges started in [from, to) that pass `filter`. */
  between(from: number, to: number, filter: (exchange: Exchange) => boolean = () => true): Exchange[] {
    return this.exchanges.filter((e) => e.started >= from && e.started < to && filter(e));
  }
}

/** The exchanges that got a 5xx. */
export const serverErrors = (exchanges: Exchange[]) =>
  exchanges.filter((e) => typeof e.status === 'number' && e.status >= 500);

/** The p-th percentile (0-100) of the exchanges' latencies in ms; 0 for none. */
export function latencyPercentile(exchanges: Exchange[], p: number): number {
  if (exchanges.length === 0) return 0;
  const sorted = exchanges.map((e) => e.ms).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** How many exchanges of each kind got each status, as `kind status×count` text for a log line. */
export function statusCounts(exchanges: Exchange[]): string {
  const counts = new Map<string, number>();
  for (const e of exchanges) counts.set(`${e.kind} ${e.status}`, (counts.get(`${e.kind} ${e.status}`) ?? 0) + 1);
  return [...counts]
    .sort()
    .map(([key, n]) => `${key}×${n}`)
    .join(', ');
}
