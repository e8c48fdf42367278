import { InvalidRequestBody } from '../common/errors';
import { MALFORMED_JSON, OVERFLOWED_INTEGER } from '../common/request-body';
import { readNewPool, readPoolChanges } from './pool-body';

const URI = 'postgres://127.0.0.1/pool';
const invalid = (description: string) => new InvalidRequestBody(description);

describe('a pool PUT body', () => {
  it('gives the pool its uri and weight, and no flavor and empty options by default', () => {
    expect(readNewPool({ uri: URI, weight: 100 })).toEqual({ uri: URI, weight: 100, flavor: null, options: {} });
    expect(readNewPool({ uri: URI, weight: 0, flavor: 'fast', options: { a: 1 } })).toEqual({
      uri: URI,
      weight: 0,
      flavor: 'fast',
      options: { a: 1 },
    });
  });

  it('needs uri and weight (test_put_raises_if_missing_fields)', () => {
    expect(() => readNewPool({ weight: 100 })).toThrow(invalid("'uri' is a required property"));
    expect(() => readNewPool({ uri: URI })).toThrow(invalid("'weight' is a required property"));
  });

  it.each([
    [-1, '-1 is less than the minimum of 0'],
    [2 ** 32 + 1, '4294967297 is greater than the maximum of 4294967295'],
    ['big', "'big' is not of type 'integer'"],
  ])('refuses the weight %p (test_put_raises_if_invalid_weight)', (weight, description) => {
    expect(() => readNewPool({ weight, uri: 'a' })).toThrow(invalid(description));
  });

  it('takes the largest weight Zaqar takes', () => {
    expect(readNewPool({ weight: 2 ** 32 - 1, uri: 'a' }).weight).toBe(4294967295);
  });

  it.each([
    [-1, "-1 is not of type 'string'"],
    [[], "[] is not of type 'string'"],
    ['u'.repeat(256), `'${'u'.repeat(256)}' is too long`],
  ])('refuses the uri %p (test_put_raises_if_invalid_uri)', (uri, description) => {
    expect(() => readNewPool({ weight: 1, uri })).toThrow(invalid(description));
  });

  it.each([
    [-1, "-1 is not of type 'object'"],
    ['wee', "'wee' is not of type 'object'"],
    [[], "[] is not of type 'object'"],
  ])('refuses the options %p (test_put_raises_if_invalid_options)', (options, description) => {
    expect(() => readNewPool({ weight: 1, uri: 'a', options })).toThrow(invalid(description));
  });

  it('refuses a null flavor and fields the schema does not name', () => {
    expect(() => readNewPool({ weight: 1, uri: 'a', flavor: null })).toThrow(invalid("None is not of type 'string'"));
    expect(() => readNewPool({ weight: 1, uri: 'a', location: 1 })).toThrow(
      invalid("Additional properties are not allowed ('location' was unexpected)"),
    );
  });

  it('answers "JSON could not be parsed." for no body, bad JSON or an overflowing integer, and refuses an array', () => {
    for (const body of [undefined, MALFORMED_JSON, OVERFLOWED_INTEGER]) {
      expect(() => readNewPool(body)).toThrow(invalid('JSON could not be parsed.'));
    }
    expect(() => readNewPool([])).toThrow(invalid("[] is not of type 'object'"));
  });
});

describe('a pool PATCH body', () => {
  const NONE = 'One of `uri`, `weight`, `flavor`, or `options` needs to be specified';

  it('keeps the fields it names and ignores others (test_patch_works_with_extra_fields)', () => {
    expect(readPoolChanges({ weight: 101, uri: URI, options: { a: 1 }, location: 100, partition: 'taco' })).toEqual({
      weight: 101,
      uri: URI,
      options: { a: 1 },
    });
    expect(readPoolChanges({ flavor: '' })).toEqual({ flavor: '' });
  });

  it('needs one of the four fields (test_patch_raises_if_missing_fields)', () => {
    expect(() => readPoolChanges({ location: 1 })).toThrow(invalid(NONE));
    expect(() => readPoolChanges({})).toThrow(invalid(NONE));
    expect(() => readPoolChanges(['uri'])).toThrow(invalid(NONE));
  });

  it('checks each field as a PUT does', () => {
    expect(() => readPoolChanges({ weight: -1 })).toThrow(invalid('-1 is less than the minimum of 0'));
    expect(() => readPoolChanges({ uri: [] })).toThrow(invalid("[] is not of type 'string'"));
    expect(() => readPoolChanges({ options: 'wee' })).toThrow(invalid("'wee' is not of type 'object'"));
    expect(() => readPoolChanges({ flavor: 1 })).toThrow(invalid("1 is not of type 'string'"));
    expect(() => readPoolChanges(MALFORMED_JSON)).toThrow(invalid('JSON could not be parsed.'));
  });
});
