import { PendingCalls } from './pending-calls';

describe('PendingCalls', () => {
  it('gives each waiting call its own id and returns it once', () => {
    const calls = new PendingCalls<string>();
    const a = calls.add('a');
    const b = calls.add('b');
    expect(a).not.toBe(b);
    expect(calls.take(b)).toBe('b');
    expect(calls.take(b)).toBeUndefined();
    expect(calls.take(a)).toBe('a');
    expect(calls.take(99)).toBeUndefined();
  });

  it('uses ids again, so the table stays as large as the most calls ever in flight', () => {
    const calls = new PendingCalls<number>();
    const used = new Set<number>();
    for (let round = 0; round < 1000; round++) {
      const ids = [calls.add(1), calls.add(2), calls.add(3)];
      for (const id of ids) used.add(id);
      for (const id of ids.reverse()) calls.take(id);
    }
    expect([...used].sort()).toEqual([0, 1, 2]);
  });

  it('holds nothing of a settled call', () => {
    const calls = new PendingCalls<object>();
    const id = calls.add({ answer: 'large' });
    calls.take(id);
    expect(calls.takeAll()).toEqual([]);
  });

  it('hands over every waiting call at once and starts empty again', () => {
    const calls = new PendingCalls<string>();
    calls.add('a');
    const b = calls.add('b');
    calls.add('c');
    calls.take(b);
    expect(calls.takeAll().sort()).toEqual(['a', 'c']);
    expect(calls.takeAll()).toEqual([]);
    expect(calls.add('d')).toBe(0);
  });
});
