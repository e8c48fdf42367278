import { BadRequest, InvalidApiRequest } from './errors';
import { boolParam, intParam, listingLimit, listParam, nextPageQuery, toQueryString } from './query';

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

  it('keeps a given marker first and puts a new one after the parameters, before the ones added after it', () => {
    expect(nextPageQuery([['limit', 5]], true, 'm')).toBe('?marker=m&limit=5');
    expect(nextPageQuery([['limit', 5]], false, 'm', [['detailed', true]])).toBe('?limit=5&marker=m&detailed=true');
  });

  it("takes listing limits from 1 to the maximum, 10 by default, with Zaqar's text otherwise", () => {
    expect(listingLimit(undefined, 20)).toBe(10);
    expect(listingLimit(20, 20)).toBe(20);
    for (const limit of [0, 21, -1]) {
      expect(() => listingLimit(limit, 20)).toThrow(
        new InvalidApiRequest('Limit must be at least 1 and no greater than 20.'),
      );
    }
  });
});
