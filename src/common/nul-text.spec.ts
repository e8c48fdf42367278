import { beforeNul, holdsNul } from './nul-text';

describe('NUL in names and markers', () => {
  it('a marker is cut at its first NUL, which no name holds', () => {
    expect(beforeNul('alpha')).toBe('alpha');
    expect(beforeNul('al\0pha')).toBe('al');
    expect(beforeNul('\0')).toBe('');
  });

  it('tells a text holding NUL, and an absent one holds none', () => {
    expect(holdsNul('a\0')).toBe(true);
    expect(holdsNul('a')).toBe(false);
    expect(holdsNul(null)).toBe(false);
    expect(holdsNul(undefined)).toBe(false);
  });
});
