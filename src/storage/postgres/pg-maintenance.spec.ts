import { analyzeDue } from './pg-maintenance';

describe('analyzeDue', () => {
  it('asks for a first ANALYZE after a few hundred rows, then after a fifth of the table', () => {
    const never = Infinity;
    expect(analyzeDue(499, 0, never)).toBe(false);
    expect(analyzeDue(500, 0, never)).toBe(true);
    expect(analyzeDue(20_000, 100_000, never)).toBe(false);
    expect(analyzeDue(20_500, 100_000, never)).toBe(true);
    expect(analyzeDue(500, -1, never)).toBe(true); // never analyzed: reltuples reads -1
  });

  it('waits 10 s after the previous ANALYZE, however many rows were written since', () => {
    expect(analyzeDue(1_000_000, 500, 9_999)).toBe(false);
    expect(analyzeDue(1_000_000, 500, 10_000)).toBe(true);
  });
});
