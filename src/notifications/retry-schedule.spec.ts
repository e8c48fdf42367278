import { effectiveRetryPolicy, retryDelays } from './retry-schedule';

describe('retry schedule', () => {
  it("Zaqar's default policy: three at once, three at the minimum, linear backoff, three at the maximum", () => {
    expect(retryDelays(effectiveRetryPolicy(undefined, undefined))).toEqual([
      0, 0, 0, 5, 5, 5, 5, 10, 15, 20, 25, 30, 30, 30,
    ]);
  });

  // Expected values computed with Zaqar's own formulas in Python (webhook.py's _*_function).
  it.each([
    ['linear', [2, 7, 12, 17, 22, 27, 32, 37, 42, 47, 52, 57]],
    ['geometric', [2, 2, 3, 5, 7, 10, 15, 21, 30, 42, 59]],
    ['exponential', [2, 2, 3, 5, 7, 10, 15, 21, 30, 42, 59]],
    ['arithmetic', [2, 3, 5, 8, 12, 17, 24, 31, 39, 49, 59]],
  ])('the %s backoff from 2 to 60 s is the one Zaqar computes', (fn, backoff) => {
    const policy = effectiveRetryPolicy(
      {
        retries_with_no_delay: 0,
        minimum_delay_retries: 0,
        maximum_delay_retries: 0,
        minimum_delay: 2,
        maximum_delay: 60,
        retry_backoff_function: fn,
      },
      undefined,
    );
    expect(retryDelays(policy)).toEqual(backoff);
  });

  it("takes the subscription's policy over the queue's unless either says ignore_subscription_override", () => {
    const queue = { retries_with_no_delay: 1, minimum_delay_retries: 0, maximum_delay_retries: 0 };
    const sub = { retries_with_no_delay: 2, minimum_delay_retries: 0, maximum_delay_retries: 0 };
    expect(effectiveRetryPolicy(sub, queue).retries_with_no_delay).toBe(2);
    expect(effectiveRetryPolicy(undefined, queue).retries_with_no_delay).toBe(1);
    expect(effectiveRetryPolicy(sub, { ...queue, ignore_subscription_override: true }).retries_with_no_delay).toBe(1);
    expect(effectiveRetryPolicy({ ...sub, ignore_subscription_override: true }, queue).retries_with_no_delay).toBe(1);
  });
});
