import { BadRequest } from './errors';
import { boolParam, intParam, listParam, toQueryString } from './query';

describe('query parameters', () => {
  it('parses integers and booleans the way falcon does, ignoring blank values', () => {
    expect(intParam({ limit: '5' }, 'limit')).toBe(5);
    expect(intParam({ limit: '' }, 'limit')).toBeUndefined();
    expect(boolParam({ echo: 'True' }, 'echo')).toBe(true);
    expect(boolParam({ echo: '0' }, 'echo')).toBe(false);
  });

  it('answers 400 "Invalid parameter" for a non-integer or non-boolean value', () => {
    expect(() => intParam({ limit: 'ten' }, 'limit')).toThrow(
      new BadRequest('Invalid parameter', 'The "limit" parameter is invalid. The value must be an integer.'),
    );
    expect(() => boolParam({ echo: 'maybe' }, 'echo')).toThrow(BadRequest);
  });

  it('reads lists from commas and from repeated keys', () => {
    expect(listParam({ ids: 'a,b' }, 'ids')).toEqual(['a', 'b']);
    expect(listParam({ ids: ['a', 'b,c'] }, 'ids')).toEqual(['a', 'b', 'c']);
    expect(listParam({ ids: ',' }, 'ids')).toBeUndefined();
  });

  it('builds next-link query strings in the given order, skipping unset values', () => {
    expect(
      toQueryString([
        ['limit', 1],
        ['echo', true],
        ['x', undefined],
        ['marker', 'q 1'],
      ]),
    ).toBe('?limit=1&echo=true&marker=q%201');
    expect(toQueryString([])).toBe('');
  });
});
