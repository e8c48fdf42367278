import { TokenCache } from './token-cache';

const T0 = Date.parse('2030-01-01T00:00:00Z');
const validUntil = (ms: number) => ({ projectId: 'p', expiresAt: new Date(T0 + ms) });

describe('TokenCache', () => {
  it('serves a validated token for token_cache_time when the token lives longer', () => {
    const cache = new TokenCache({ ttlMs: 300_000 });
    const value = validUntil(3_600_000);
    cache.set('tok', value, T0);
    expect(cache.get('tok', T0 + 299_999)).toEqual({ value });
    expect(cache.get('tok', T0 + 300_000)).toBeUndefined();
  });

  it('stops serving a token at its own expiry when that comes before token_cache_time', () => {
    const cache = new TokenCache({ ttlMs: 300_000 });
    cache.set('tok', validUntil(60_000), T0);
    expect(cache.get('tok', T0 + 59_999)?.value).toMatchObject({ projectId: 'p' });
    expect(cache.get('tok', T0 + 60_000)).toBeUndefined();
  });

  it('does not keep a token that has already expired', () => {
    const cache = new TokenCache();
    cache.set('tok', validUntil(-1), T0);
    expect(cache.get('tok', T0)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('remembers a refused token only briefly', () => {
    const cache = new TokenCache({ ttlMs: 300_000, negativeTtlMs: 10_000 });
    cache.set('bad', null, T0);
    expect(cache.get('bad', T0 + 9_999)).toEqual({ value: null });
    expect(cache.get('bad', T0 + 10_000)).toBeUndefined();
  });

  it('keeps nothing, refusals included, when token_cache_time is 0', () => {
    const cache = new TokenCache({ ttlMs: 0 });
    cache.set('tok', validUntil(3_600_000), T0);
    cache.set('bad', null, T0);
    expect(cache.get('tok', T0)).toBeUndefined();
    expect(cache.get('bad', T0)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used entry beyond maxEntries', () => {
    const cache = new TokenCache({ maxEntries: 2 });
    cache.set('a', validUntil(3_600_000), T0);
    cache.set('b', validUntil(3_600_000), T0);
    cache.get('a', T0 + 1); // a is now more recent than b
    cache.set('c', validUntil(3_600_000), T0 + 2);
    expect(cache.size).toBe(2);
    expect(cache.get('b', T0 + 3)).toBeUndefined();
    expect(cache.get('a', T0 + 3)).toBeDefined();
    expect(cache.get('c', T0 + 3)).toBeDefined();
  });

  it('tells tokens apart that differ in one character, and forgets one on delete', () => {
    const cache = new TokenCache();
    cache.set('gAAAAB1', validUntil(3_600_000), T0);
    expect(cache.get('gAAAAB2', T0)).toBeUndefined();
    cache.delete('gAAAAB1');
    expect(cache.get('gAAAAB1', T0)).toBeUndefined();
  });

  it('holds no raw token as a key', () => {
    const cache = new TokenCache();
    cache.set('secret-token', validUntil(3_600_000), T0);
    const keys = [...(cache as unknown as { entries: Map<string, unknown> }).entries.keys()];
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toContain('secret-token');
  });
});
