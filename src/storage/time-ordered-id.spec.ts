import { newTimeOrderedId } from './time-ordered-id';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newTimeOrderedId', () => {
  it('is a version 7 UUID that starts with the time in ms', () => {
    const now = Date.UTC(2026, 10, 23, 2, 10, 0, 123);
    const id = newTimeOrderedId(now);
    expect(id).toMatch(UUID_V7);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(now);
  });

  it('sorts by time across milliseconds and stays unique within one', () => {
    const earlier = Array.from({ length: 1000 }, () => newTimeOrderedId(1_000));
    const later = newTimeOrderedId(1_001);
    expect(new Set(earlier).size).toBe(1000);
    for (const id of earlier) expect(id < later).toBe(true);
  });
});
