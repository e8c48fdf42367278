import { hasOverflowingInteger } from './json-integers';

describe('integers beyond 64 bits in JSON text', () => {
  it.each([
    ['{"a": 9223372036854775808}', true],
    ['[-9223372036854775809]', true],
    ['{"a": 9223372036854775807, "b": -9223372036854775808}', false],
    ['{"a": 1e30, "b": 99999999999999999999.5}', false],
    ['{"a": "99999999999999999999999"}', false],
    ['{"a": "say \\"99999999999999999999999\\"", "b": 99999999999999999999999}', true],
    ['{"messages": [{"body": 1, "ttl": 60}]}', false],
  ])('%s → %s', (text, expected) => {
    expect(hasOverflowingInteger(text)).toBe(expected);
  });
});
