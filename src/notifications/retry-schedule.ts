import { log10, pow } from './libm';

/**
 * When a failed webhook delivery is tried again: Zaqar's retry policy (zaqar/notification/tasks/
 * webhook.py), a queue's `_retry_policy` or a subscription's `options._retry_policy`. Zaqar sleeps
 * through it in a thread; here each retry is a scheduled attempt of the delivery job. Where Zaqar's
 * task raises on a value its validation let through, its retries end there, and so do ours.
 */

const RETRY_BACKOFF_FUNCTIONS = ['linear', 'arithmetic', 'exponential', 'geometric'] as const;

/**
 * A policy with Zaqar's defaults filled in, field names as clients post them. A NaN count or delay,
 * or an unknown backoff name, stands for a value Zaqar's task raises on (null, "").
 */
export interface RetryPolicy {
  retries_with_no_delay: number;
  minimum_delay_retries: number;
  minimum_delay: number;
  maximum_delay: number;
  maximum_delay_retries: number;
  retry_backoff_function: string;
}

const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
  retries_with_no_delay: 3,
  minimum_delay_retries: 3,
  minimum_delay: 5,
  maximum_delay: 30,
  maximum_delay_retries: 3,
  retry_backoff_function: 'linear',
};

/** The backoff functions step through the span between the two delays in steps of this many seconds. */
const LINEAR_INTERVAL = 5;

/** An empty schedule: Zaqar's task raises reading a policy that is not a dict, before its first retry. */
const NO_RETRIES: Readonly<RetryPolicy> = {
  ...DEFAULT_RETRY_POLICY,
  retries_with_no_delay: 0,
  minimum_delay_retries: 0,
  maximum_delay: DEFAULT_RETRY_POLICY.minimum_delay,
  maximum_delay_retries: 0,
};

type Dict = Record<string, unknown>;

const isDict = (value: unknown): value is Dict => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Python's truthiness of a JSON value. */
function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (isDict(value)) return Object.keys(value).length > 0;
  return Boolean(value);
}

/** Python's isinstance(value, int), where True and False are ints too. */
const isPythonInt = (value: unknown) => typeof value === 'boolean' || Number.isInteger(value);

/**
 * The policy Zaqar's webhook task follows, from the subscription's `options._retry_policy` and the
 * queue's `_retry_policy` (undefined when absent): the queue's when either sets
 * ignore_subscription_override, else the first non-empty one.
 */
export function effectiveRetryPolicy(subscriptionPolicy: unknown, queuePolicy: unknown): RetryPolicy {
  const subscription = subscriptionPolicy === undefined ? {} : subscriptionPolicy;
  const queue = queuePolicy === undefined ? {} : queuePolicy;
  // Zaqar's task calls .get on what it reads; on anything but a dict it raises before its first retry
  if (!isDict(subscription)) return { ...NO_RETRIES };
  let chosen: unknown;
  if (truthy(subscription.ignore_subscription_override)) chosen = queue;
  else if (!isDict(queue)) return { ...NO_RETRIES };
  else if (truthy(queue.ignore_subscription_override) || !truthy(subscription)) chosen = queue;
  else chosen = subscription;
  if (!truthy(chosen)) return withDefaults({});
  return isDict(chosen) ? withDefaults(chosen) : { ...NO_RETRIES };
}

/**
 * Validation lets Python-falsy values of any type through (null, "", []). Booleans count as the
 * integers Python takes them for; the others become NaN and the name '', which retryDelays reads as
 * where Zaqar's task would raise.
 */
function withDefaults(policy: Dict): RetryPolicy {
  const read = <K extends keyof RetryPolicy>(key: K): unknown =>
    Object.hasOwn(policy, key) ? policy[key] : DEFAULT_RETRY_POLICY[key];
  const integer = (key: Exclude<keyof RetryPolicy, 'retry_backoff_function'>) => {
    const value = read(key);
    return typeof value === 'number' || typeof value === 'boolean' ? Number(value) : NaN;
  };
  const name = read('retry_backoff_function');
  return {
    retries_with_no_delay: integer('retries_with_no_delay'),
    minimum_delay_retries: integer('minimum_delay_retries'),
    minimum_delay: integer('minimum_delay'),
    maximum_delay: integer('maximum_delay'),
    maximum_delay_retries: integer('maximum_delay_retries'),
    retry_backoff_function: typeof name === 'string' ? name : '',
  };
}

/** Where Zaqar's task would raise (TypeError, ValueError, ZeroDivisionError); its retries end there. */
class TaskRaises extends Error {}

/** range(0, n)'s length. */
function count(n: number): number {
  if (!Number.isInteger(n)) throw new TaskRaises();
  return Math.max(n, 0);
}

/** time.sleep refuses negative and non-finite pauses. */
function pause(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds < 0) throw new TaskRaises();
  return seconds;
}

/** int(x): truncation, raising on inf and nan. */
function int(x: number): number {
  if (!Number.isFinite(x)) throw new TaskRaises();
  return Math.trunc(x) + 0; // + 0 turns -0 into 0
}

function finite(x: number): number {
  if (!Number.isFinite(x)) throw new TaskRaises();
  return x;
}

function* linear(min: number, max: number): Generator<number> {
  if (!Number.isInteger(min) || !Number.isInteger(max)) throw new TaskRaises();
  // range(min, max, 5): the maximum itself is left to the maximum-delay phase
  for (let delay = min; delay < max; delay += LINEAR_INTERVAL) yield delay;
}

function steps(min: number, max: number): number {
  return int((max - min) / LINEAR_INTERVAL);
}

function* arithmetic(min: number, max: number): Generator<number> {
  const n = steps(min, max);
  const d = finite((2.0 * (max - min)) / (n * (n - 1)));
  for (let a = 1; a <= n; a++) yield int(min + ((a - 1) * a * d) / 2);
}

function ratio(min: number, max: number, n: number): number {
  return finite(pow(10, finite(finite(log10(finite(max / min))) / (n - 1))));
}

function* geometric(min: number, max: number): Generator<number> {
  const n = steps(min, max);
  const k = ratio(min, max, n);
  for (let a = 1; a <= n; a++) yield int(min * pow(k, a - 1));
}

function* exponential(min: number, max: number): Generator<number> {
  const n = steps(min, max);
  const k = ratio(min, max, n);
  const p = finite(min / k);
  for (let a = 1; a <= n; a++) yield int(p * pow(k, a));
}

const BACKOFF = new Map([
  ['linear', linear],
  ['arithmetic', arithmetic],
  ['geometric', geometric],
  ['exponential', exponential],
]);

function* schedule(policy: RetryPolicy): Generator<number> {
  for (let i = count(policy.retries_with_no_delay); i > 0; i--) yield 0;
  for (let i = count(policy.minimum_delay_retries); i > 0; i--) yield pause(policy.minimum_delay);
  const backoff = BACKOFF.get(policy.retry_backoff_function);
  if (!backoff) throw new TaskRaises();
  for (const delay of backoff(policy.minimum_delay, policy.maximum_delay)) yield pause(delay);
  for (let i = count(policy.maximum_delay_retries); i > 0; i--) yield pause(policy.maximum_delay);
}

/**
 * Zaqar bounds no count: a million immediate retries would flood the subscriber (Zaqar posts them
 * in a loop) and fill an array here. A thousand retries outlast any schedule a person means.
 */
const MAX_RETRIES = 1000;

/** The pauses in seconds before each retry after the first failed post, as Zaqar's webhook task sleeps them. */
export function retryDelays(policy: RetryPolicy, limit = MAX_RETRIES): number[] {
  const delays: number[] = [];
  try {
    for (const delay of schedule(policy)) {
      if (delays.length >= limit) break;
      delays.push(delay);
    }
  } catch (error) {
    if (!(error instanceof TaskRaises)) throw error;
  }
  return delays;
}

const INTEGER_KEYS = [
  'retries_with_no_delay',
  'minimum_delay_retries',
  'minimum_delay',
  'maximum_delay',
  'maximum_delay_retries',
] as const;

/**
 * Zaqar's check of `_retry_policy` in queue metadata or subscription options: its text for the first
 * fault, or null. Like Zaqar it checks only truthy values, so 0, false, "" and null pass.
 */
export function validateRetryPolicy(metadata: Dict | undefined): string | null {
  const policy = metadata?._retry_policy;
  if (!truthy(policy)) return null;
  if (!isDict(policy)) return 'retry_policy must be a dict.';
  for (const key of INTEGER_KEYS) {
    if (truthy(policy[key]) && !isPythonInt(policy[key])) return `Retry policy: ${key} must be a integer.`;
  }
  const name = policy.retry_backoff_function;
  if (truthy(name) && typeof name !== 'string') return 'retry_backoff_function must be a string.';
  if (truthy(name) && !(RETRY_BACKOFF_FUNCTIONS as readonly unknown[]).includes(name)) {
    return 'invalid retry_backoff_function.';
  }
  if (truthy(policy.ignore_subscription_override) && typeof policy.ignore_subscription_override !== 'boolean') {
    return 'ignore_subscription_override must be a boolean.';
  }
  const min = Object.hasOwn(policy, 'minimum_delay') ? policy.minimum_delay : DEFAULT_RETRY_POLICY.minimum_delay;
  const max = Object.hasOwn(policy, 'maximum_delay') ? policy.maximum_delay : DEFAULT_RETRY_POLICY.maximum_delay;
  // Zaqar compares a null or "" delay with a number and answers 500; a 400 says more
  if (!isPythonInt(min)) return 'Retry policy: minimum_delay must be a integer.';
  if (!isPythonInt(max)) return 'Retry policy: maximum_delay must be a integer.';
  if (Number(max) < Number(min)) return 'minimum_delay must less than maximum_delay.';
  if (Number(max) - Number(min) < 2 * LINEAR_INTERVAL) return 'invalid minimum_delay and maximum_delay.';
  return null;
}
