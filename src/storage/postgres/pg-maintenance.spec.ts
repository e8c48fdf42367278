import { analyzeDue } from './pg-maintenance';

describe('analyzeDue', () => {
  it('asks for a first ANALYZE after a few hundred rows, then after a fifth of the table', () => {
    expect(analyzeDue(499, 0)).toBe(false);
    expect(analyzeDue(500, 0)).toBe(true);
    expect(analyzeDue(20_000, 100_000)).toBe(false);
    expect(analyzeDue(20_500, 100_000)).toBe(true);
    expect(analyzeDue(500, -1)).toBe(true); // never analyzed: reltuples reads -1
  });
});
