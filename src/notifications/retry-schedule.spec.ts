import { effectiveRetryPolicy, retryDelays, validateRetryPolicy } from './retry-schedule';

/** The delays for a subscription policy on a queue without one. */
const delaysFor = (subscriptionPolicy: unknown, queuePolicy: unknown = undefined) =>
  retryDelays(effectiveRetryPolicy(subscriptionPolicy, queuePolicy));

// Expected schedules are what Zaqar's own WebhookTask._retry_post sleeps, run under CPython 3.11
// with the HTTP post stubbed to fail (glibc 2.36, the same with FMA on and off).
describe('retryDelays', () => {
  it('the default policy: three at once, three after the minimum, linear steps, three after the maximum', () => {
    expect(delaysFor(undefined)).toEqual([0, 0, 0, 5, 5, 5, 5, 10, 15, 20, 25, 30, 30, 30]);
  });

  it.each([
    ['linear', [0, 0, 0, 5, 5, 5, 5, 10, 15, 20, 25, 30, 30, 30]],
    ['arithmetic', [0, 0, 0, 5, 5, 5, 5, 7, 12, 20, 30, 30, 30, 30]],
    ['geometric', [0, 0, 0, 5, 5, 5, 5, 7, 12, 19, 30, 30, 30, 30]],
    ['exponential', [0, 0, 0, 5, 5, 5, 5, 7, 12, 19, 30, 30, 30, 30]],
  ])('%s backoff between the default delays', (name, expected) => {
    expect(delaysFor({ retry_backoff_function: name })).toEqual(expected);
  });

  it('linear backoff is range(min, max, 5): a span off the grid stops short of the maximum', () => {
    expect(delaysFor({ minimum_delay: 5, maximum_delay: 33 })).toEqual([
      0, 0, 0, 5, 5, 5, 5, 10, 15, 20, 25, 30, 33, 33, 33,
    ]);
  });

  it('arithmetic backoff with every count set', () => {
    const policy = {
      retries_with_no_delay: 1,
      minimum_delay_retries: 2,
      maximum_delay_retries: 1,
      minimum_delay: 2,
      maximum_delay: 60,
      retry_backoff_function: 'arithmetic',
    };
    expect(delaysFor(policy)).toEqual([0, 2, 2, 2, 3, 5, 8, 12, 17, 24, 31, 39, 49, 59, 60]);
  });

  it.each(['geometric', 'exponential'])('%s backoff from 10 to 100 seconds', (name) => {
    const policy = {
      retries_with_no_delay: 0,
      minimum_delay_retries: 1,
      maximum_delay_retries: 2,
      minimum_delay: 10,
      maximum_delay: 100,
      retry_backoff_function: name,
    };
    expect(delaysFor(policy)).toEqual([
      10, 10, 11, 13, 15, 17, 19, 22, 25, 29, 33, 38, 44, 50, 58, 66, 76, 87, 100, 100, 100,
    ]);
  });

  it('truncates the last geometric step to 108 as Python does, where Math.pow would give 109', () => {
    const policy = {
      retries_with_no_delay: 0,
      minimum_delay_retries: 0,
      maximum_delay_retries: 0,
      minimum_delay: 1,
      maximum_delay: 109,
      retry_backoff_function: 'geometric',
    };
    expect(delaysFor(policy)).toEqual([1, 1, 1, 2, 2, 3, 4, 5, 6, 8, 10, 13, 16, 21, 26, 33, 42, 53, 68, 86, 108]);
  });

  it('truncates the last exponential step to 129 as Python does, where Math.pow would give 130', () => {
    const policy = {
      retries_with_no_delay: 0,
      minimum_delay_retries: 0,
      maximum_delay_retries: 0,
      minimum_delay: 1,
      maximum_delay: 130,
      retry_backoff_function: 'exponential',
    };
    expect(delaysFor(policy)).toEqual([
      1, 1, 1, 1, 2, 2, 3, 4, 5, 6, 7, 9, 11, 13, 17, 20, 25, 31, 38, 47, 57, 70, 86, 106, 129,
    ]);
  });

  it('booleans count as the integers Python takes them for', () => {
    expect(delaysFor({ retries_with_no_delay: true, minimum_delay_retries: false })).toEqual([
      0, 5, 10, 15, 20, 25, 30, 30, 30,
    ]);
  });

  describe('values validation lets through end the schedule where Zaqar’s task raises', () => {
    it.each([
      ['a null count: range(0, None)', { retries_with_no_delay: null }, []],
      [
        'an empty backoff name: KeyError after the minimum-delay retries',
        { retry_backoff_function: '' },
        [0, 0, 0, 5, 5, 5],
      ],
      ['a negative minimum delay: time.sleep(-5)', { minimum_delay: -5 }, [0, 0, 0]],
      [
        'a zero minimum delay in geometric: division by zero',
        { minimum_delay: 0, retry_backoff_function: 'geometric' },
        [0, 0, 0, 0, 0, 0],
      ],
      ['a null minimum delay in linear backoff', { minimum_delay_retries: 0, minimum_delay: null }, [0, 0, 0]],
    ])('%s', (_case, policy, expected) => {
      expect(delaysFor(policy)).toEqual(expected);
    });

    it('a zero minimum delay is fine for arithmetic backoff', () => {
      expect(delaysFor({ minimum_delay: 0, retry_backoff_function: 'arithmetic' })).toEqual([
        0, 0, 0, 0, 0, 0, 0, 2, 6, 12, 20, 30, 30, 30, 30,
      ]);
    });

    it('a policy that is not a dict: no retries at all', () => {
      expect(delaysFor([])).toEqual([]);
      expect(delaysFor({}, null)).toEqual([]);
    });
  });

  it.each([
    ['linear', [2, 7, 12, 17, 22, 27, 32, 37, 42, 47, 52, 57]],
    ['geometric', [2, 2, 3, 5, 7, 10, 15, 21, 30, 42, 59]],
    ['exponential', [2, 2, 3, 5, 7, 10, 15, 21, 30, 42, 59]],
    ['arithmetic', [2, 3, 5, 8, 12, 17, 24, 31, 39, 49, 59]],
  ])('the %s backoff alone, from 2 to 60 s', (name, expected) => {
    const policy = {
      retries_with_no_delay: 0,
      minimum_delay_retries: 0,
      maximum_delay_retries: 0,
      minimum_delay: 2,
      maximum_delay: 60,
      retry_backoff_function: name,
    };
    expect(delaysFor(policy)).toEqual(expected);
  });

  it('stops after limit delays, a thousand unless told, however large the counts', () => {
    const policy = effectiveRetryPolicy({ retries_with_no_delay: 1e12 }, undefined);
    expect(retryDelays(policy, 4)).toEqual([0, 0, 0, 0]);
    expect(retryDelays(policy)).toHaveLength(1000);
  });
});

describe('effectiveRetryPolicy', () => {
  it('the subscription’s policy wins over the queue’s', () => {
    expect(delaysFor({ retries_with_no_delay: 1 }, { retries_with_no_delay: 2 })).toEqual([
      0, 5, 5, 5, 5, 10, 15, 20, 25, 30, 30, 30,
    ]);
  });

  it('the queue’s policy applies when the subscription has none', () => {
    expect(delaysFor({}, { retries_with_no_delay: 2 })).toEqual(delaysFor({ retries_with_no_delay: 2 }));
  });

  it('ignore_subscription_override on either side picks the queue’s policy', () => {
    const queueWins = delaysFor({ retries_with_no_delay: 2 });
    expect(
      delaysFor({ retries_with_no_delay: 1 }, { retries_with_no_delay: 2, ignore_subscription_override: true }),
    ).toEqual(queueWins);
    expect(
      delaysFor({ retries_with_no_delay: 1, ignore_subscription_override: true }, { retries_with_no_delay: 2 }),
    ).toEqual(queueWins);
  });

  it('an overriding subscription on a queue without a policy gets the defaults, even from a null queue policy', () => {
    expect(effectiveRetryPolicy({ retries_with_no_delay: 1, ignore_subscription_override: true }, {})).toEqual({
      retries_with_no_delay: 3,
      minimum_delay_retries: 3,
      minimum_delay: 5,
      maximum_delay: 30,
      maximum_delay_retries: 3,
      retry_backoff_function: 'linear',
    });
    expect(delaysFor({ ignore_subscription_override: true }, null)).toEqual(delaysFor(undefined));
  });
});

describe('validateRetryPolicy', () => {
  it.each([
    ['no metadata', undefined],
    ['no policy', {}],
    ['a null policy', { _retry_policy: null }],
    ['an empty list, being falsy', { _retry_policy: [] }],
    ['an empty dict', { _retry_policy: {} }],
    ['True as an integer', { _retry_policy: { retries_with_no_delay: true } }],
    ['an empty backoff name', { _retry_policy: { retry_backoff_function: '' } }],
    ['0 as the backoff name', { _retry_policy: { retry_backoff_function: 0 } }],
    ['0 as the override flag', { _retry_policy: { ignore_subscription_override: 0 } }],
    ['a span of exactly ten seconds', { _retry_policy: { minimum_delay: 20 } }],
    ['a zero minimum delay', { _retry_policy: { minimum_delay: 0 } }],
    ['a negative minimum delay', { _retry_policy: { minimum_delay: -100 } }],
    ['unknown keys', { _retry_policy: { unknown: 'x' } }],
  ])('accepts %s', (_case, metadata) => {
    expect(validateRetryPolicy(metadata)).toBeNull();
  });

  it.each([
    [{ _retry_policy: [1] }, 'retry_policy must be a dict.'],
    [{ _retry_policy: 'x' }, 'retry_policy must be a dict.'],
    [{ _retry_policy: true }, 'retry_policy must be a dict.'],
    [{ _retry_policy: { retries_with_no_delay: 1.5 } }, 'Retry policy: retries_with_no_delay must be a integer.'],
    [{ _retry_policy: { retries_with_no_delay: '3' } }, 'Retry policy: retries_with_no_delay must be a integer.'],
    [{ _retry_policy: { maximum_delay_retries: [1] } }, 'Retry policy: maximum_delay_retries must be a integer.'],
    [{ _retry_policy: { retry_backoff_function: 5 } }, 'retry_backoff_function must be a string.'],
    [{ _retry_policy: { retry_backoff_function: 'cubic' } }, 'invalid retry_backoff_function.'],
    [{ _retry_policy: { ignore_subscription_override: 1 } }, 'ignore_subscription_override must be a boolean.'],
    [{ _retry_policy: { ignore_subscription_override: 'yes' } }, 'ignore_subscription_override must be a boolean.'],
    [{ _retry_policy: { minimum_delay: 40 } }, 'minimum_delay must less than maximum_delay.'],
    [{ _retry_policy: { minimum_delay: 21 } }, 'invalid minimum_delay and maximum_delay.'],
    [{ _retry_policy: { minimum_delay: false, maximum_delay: true } }, 'invalid minimum_delay and maximum_delay.'],
    [
      { _retry_policy: { retries_with_no_delay: 'x', retry_backoff_function: 5 } },
      'Retry policy: retries_with_no_delay must be a integer.',
    ],
    [
      { _retry_policy: { retry_backoff_function: 5, minimum_delay: 'x' } },
      'Retry policy: minimum_delay must be a integer.',
    ],
  ])('refuses %j with Zaqar’s text', (metadata, text) => {
    expect(validateRetryPolicy(metadata)).toBe(text);
  });

  it('refuses a null or empty delay, where Zaqar fails with a 500 comparing it', () => {
    expect(validateRetryPolicy({ _retry_policy: { minimum_delay: null } })).toBe(
      'Retry policy: minimum_delay must be a integer.',
    );
    expect(validateRetryPolicy({ _retry_policy: { maximum_delay: '' } })).toBe(
      'Retry policy: maximum_delay must be a integer.',
    );
  });
});
