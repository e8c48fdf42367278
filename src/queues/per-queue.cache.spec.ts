import { PerQueueCache } from './per-queue.cache';

const ref = { project: 'p', queue: 'q' };

/** A loader that counts its calls and returns the call number. */
function counter() {
  let calls = 0;
  return { load: async () => ++calls, calls: () => calls };
}

describe('per-queue cache', () => {
  it('reuses a value within its lifetime, and loads again once forgotten', async () => {
    const cache = new PerQueueCache<number>(60_000);
    const loader = counter();
    expect(await cache.get(ref, loader.load)).toBe(1);
    expect(await cache.get(ref, loader.load)).toBe(1);
    cache.forget(ref);
    expect(await cache.get(ref, loader.load)).toBe(2);
  });

  it('keeps projects apart', async () => {
    const cache = new PerQueueCache<number>(60_000);
    const loader = counter();
    await cache.get(ref, loader.load);
    await cache.get({ project: 'other', queue: 'q' }, loader.load);
    expect(loader.calls()).toBe(2);
  });

  it('loads every time when its lifetime is 0', async () => {
    const cache = new PerQueueCache<number>(0);
    const loader = counter();
    await cache.get(ref, loader.load);
    await cache.get(ref, loader.load);
    expect(loader.calls()).toBe(2);
  });

  it('loads again once the lifetime has passed', async () => {
    const cache = new PerQueueCache<number>(20);
    const loader = counter();
    await cache.get(ref, loader.load);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(await cache.get(ref, loader.load)).toBe(2);
  });
});
