import { MAX_JSON_DEPTH, nestedTooDeep } from './json-depth';

const nested = (depth: number) => JSON.parse('['.repeat(depth) + ']'.repeat(depth));

describe('JSON nested too deep', () => {
  it('takes documents up to the limit, arrays and objects alike', () => {
    expect(nestedTooDeep(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(nestedTooDeep({ a: { b: [1, { c: 'x' }] } }, 4)).toBe(false);
    expect(nestedTooDeep('text')).toBe(false);
  });

  it('refuses one level more, and depths that would overflow a recursive walk', () => {
    expect(nestedTooDeep(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(nestedTooDeep({ a: { b: [1, { c: 'x' }] } }, 3)).toBe(true);
    expect(nestedTooDeep(nested(200_000))).toBe(true);
  });
});
