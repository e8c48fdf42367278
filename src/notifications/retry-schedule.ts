/**
 * When a failed webhook delivery is tried again: Zaqar's retry policy (zaqar/notification/tasks/
 * webhook.py), a queue's `_retry_policy` or a subscription's `options._retry_policy`. Zaqar sleeps
 * through it in a thread; here each retry is a scheduled attempt of the delivery job.
 */
export interface RetryPolicy {
  retries_with_no_delay: number;
  minimum_delay_retries: number;
  minimum_delay: number;
  maximum_delay: number;
  maximum_delay_retries: number;
  retry_backoff_function: 'linear' | 'arithmetic' | 'geometric' | 'exponential';
  ignore_subscription_override?: boolean;
}

/** Zaqar's defaults (zaqar/common/consts.py). */
const DEFAULTS: RetryPolicy = {
  retries_with_no_delay: 3,
  minimum_delay_retries: 3,
  minimum_delay: 5,
  maximum_delay: 30,
  maximum_delay_retries: 3,
  retry_backoff_function: 'linear',
};
const LINEAR_INTERVAL = 5;

type RawPolicy = Partial<Record<keyof RetryPolicy, unknown>>;

/** The subscription's policy unless either side says ignore_subscription_override, then the queue's. */
export function effectiveRetryPolicy(subscription: unknown, queue: unknown): RetryPolicy {
  const sub = asPolicy(subscription);
  const own = asPolicy(queue);
  const chosen =
    sub.ignore_subscription_override || own.ignore_subscription_override ? own : Object.keys(sub).length ? sub : own;
  const merged = { ...DEFAULTS } as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(chosen)) if (value !== undefined && value !== null) merged[key] = value;
  return merged as unknown as RetryPolicy;
}

/** Seconds to wait before each retry, in order; their count is the number of retries. */
export function retryDelays(policy: RetryPolicy): number[] {
  const min = policy.minimum_delay;
  const max = policy.maximum_delay;
  return [
    ...times(policy.retries_with_no_delay, 0),
    ...times(policy.minimum_delay_retries, min),
    ...BACKOFF[policy.retry_backoff_function](min, max, LINEAR_INTERVAL),
    ...times(policy.maximum_delay_retries, max),
  ];
}

/** Zaqar's backoff functions, computed as its Python does (range, int() truncation). */
const BACKOFF: Record<RetryPolicy['retry_backoff_function'], (min: number, max: number, step: number) => number[]> = {
  linear: (min, max, step) => pyRange(min, max, step),
  arithmetic: (min, max, step) => {
    const n = Math.trunc((max - min) / step);
    const d = (2.0 * (max - min)) / (n * (n - 1));
    return pyRange(1, n + 1, 1).map((a) => Math.trunc(min + ((a - 1) * a * d) / 2));
  },
  geometric: (min, max, step) => {
    const n = Math.trunc((max - min) / step);
    const k = Math.pow(10, Math.log10(max / min) / (n - 1));
    return pyRange(1, n + 1, 1).map((a) => Math.trunc(min * Math.pow(k, a - 1)));
  },
  exponential: (min, max, step) => {
    const n = Math.trunc((max - min) / step);
    const k = Math.pow(10, Math.log10(max / min) / (n - 1));
    const p = min / k;
    return pyRange(1, n + 1, 1).map((a) => Math.trunc(p * Math.pow(k, a)));
  },
};

function pyRange(start: number, stop: number, step: number): number[] {
  const out: number[] = [];
  for (let i = start; i < stop; i += step) out.push(i);
  return out;
}

function times(count: number, value: number): number[] {
  return new Array<number>(Math.max(0, count)).fill(value);
}

function asPolicy(raw: unknown): RawPolicy {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as RawPolicy) : {};
}
