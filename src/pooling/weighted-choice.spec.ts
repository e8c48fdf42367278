import { weightedChoice } from './weighted-choice';

describe('weightedChoice', () => {
  const a = { name: 'a', weight: 3 };
  const b = { name: 'b', weight: 1 };
  const idle = { name: 'idle', weight: 0 };

  it('returns null when nothing has weight', () => {
    expect(weightedChoice([])).toBeNull();
    expect(weightedChoice([idle])).toBeNull();
  });

  it('maps [0, 1) onto the weights in order, skipping weight 0', () => {
    expect(weightedChoice([idle, a, b], () => 0)).toBe(a);
    expect(weightedChoice([idle, a, b], () => 0.74)).toBe(a);
    expect(weightedChoice([idle, a, b], () => 0.75)).toBe(b);
    expect(weightedChoice([idle, a, b], () => 0.999999)).toBe(b);
  });

  it('picks about in proportion to weight', () => {
    const counts = { a: 0, b: 0, idle: 0 };
    for (let i = 0; i < 40_000; i++) counts[weightedChoice([a, b, idle])!.name as keyof typeof counts]++;
    expect(counts.idle).toBe(0);
    expect(counts.a / counts.b).toBeGreaterThan(2.7);
    expect(counts.a / counts.b).toBeLessThan(3.3);
  });

  it('handles weights up to 2^32-1 without losing the small ones', () => {
    const big = { name: 'big', weight: 2 ** 32 - 1 };
    expect(weightedChoice([b, big], () => 0)).toBe(b);
    expect(weightedChoice([b, big], () => 0.5)).toBe(big);
  });
});
