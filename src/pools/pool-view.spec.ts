import { poolsNextHref, poolView } from './pool-view';

const POOL = { name: 'p1', uri: 'sqlite:/tmp/p1.db', weight: 5, flavor: null, options: { a: 1 } };

describe('pool views', () => {
  it('shows a pool with its href, and its options only in detail', () => {
    expect(poolView(POOL, false)).toEqual({
      name: 'p1',
      uri: 'sqlite:/tmp/p1.db',
      weight: 5,
      flavor: null,
      href: '/v2/pools/p1',
    });
    expect(poolView(POOL, true)).toEqual({ ...poolView(POOL, false), options: { a: 1 } });
  });

  it("links the next page with the caller's parameters in Zaqar's order, the new marker last", () => {
    expect(poolsNextHref({}, 'p9')).toBe('/v2/pools?marker=p9');
    expect(poolsNextHref({ limit: 5, detailed: false }, 'p9')).toBe('/v2/pools?limit=5&detailed=false&marker=p9');
  });

  it('keeps the marker first when the caller gave one, as Falcon keeps the key where it was', () => {
    expect(poolsNextHref({ marker: 'p1', limit: 5, detailed: true }, 'p6')).toBe(
      '/v2/pools?marker=p6&limit=5&detailed=true',
    );
  });
});
