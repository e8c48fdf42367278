import { flavorEntry, flavorsNextHref, flavorView } from './flavor-view';

describe('flavor views', () => {
  it('shows a flavor with its pools, their capabilities and its href', () => {
    expect(flavorView('fast', ['p1'], ['1', '2'])).toEqual({
      name: 'fast',
      capabilities: ['1', '2'],
      pool_list: ['p1'],
      href: '/v2/flavors/fast',
    });
  });

  it('lists a flavor with its pools only when it has some, and capabilities only in detail', () => {
    expect(flavorEntry('fast', [], undefined)).toEqual({ name: 'fast', href: '/v2/flavors/fast' });
    expect(flavorEntry('fast', ['p1'], ['1'])).toEqual({
      name: 'fast',
      href: '/v2/flavors/fast',
      pool_list: ['p1'],
      capabilities: ['1'],
    });
  });

  it('links the next page with detailed after the marker, as Zaqar adds it after setting the marker', () => {
    expect(flavorsNextHref({}, 'f9')).toBe('/v2/flavors?marker=f9');
    expect(flavorsNextHref({ limit: 5, detailed: true }, 'f9')).toBe('/v2/flavors?limit=5&marker=f9&detailed=true');
    expect(flavorsNextHref({ marker: 'f1', limit: 5, detailed: false }, 'f6')).toBe(
      '/v2/flavors?marker=f6&limit=5&detailed=false',
    );
  });
});
