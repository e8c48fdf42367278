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

  it('shares one load among callers that miss together', async () => {
    const cache = new PerQueueCache<number>(60_000);
    const loader = counter();
    const values = await Promise.all([1, 2, 3].map(() => cache.get(ref, loader.load)));
    expect(values).toEqual([1, 1, 1]);
    expect(loader.calls()).toBe(1);
  });

  it('does not keep a value whose load was under way when the queue was forgotten', async () => {
    const cache = new PerQueueCache<string>(60_000);
    let finishOld!: (value: string) => void;
    const old = cache.get(ref, () => new Promise<string>((resolve) => (finishOld = resolve)));
    cache.forget(ref);
    const fresh = cache.get(ref, async () => 'after the write');
    finishOld('before the write');
    expect(await old).toBe('before the write');
    expect(await fresh).toBe('after the write');
    expect(await cache.get(ref, async () => 'reloaded')).toBe('after the write');
  });

  it('does not keep a failed load: its callers all see the error, and the next caller loads again', async () => {
    const cache = new PerQueueCache<number>(60_000);
    let fail!: (error: Error) => void;
    const load = () => new Promise<number>((_resolve, reject) => (fail = reject));
    const both = Promise.allSettled([cache.get(ref, load), cache.get(ref, load)]);
    fail(new Error('database down'));
    expect((await both).map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(await cache.get(ref, async () => 7)).toBe(7);
  });

  it('past half its life, serves the value while one load replaces it', async () => {
    const cache = new PerQueueCache<number>(1000);
    const loader = counter();
    expect(await cache.get(ref, loader.load)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const during = await Promise.all([cache.get(ref, loader.load), cache.get(ref, loader.load)]);
    expect(during).toEqual([1, 1]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await cache.get(ref, loader.load)).toBe(2);
    expect(loader.calls()).toBe(2);
  });

  it('does not keep a replacement whose load was under way when the queue was forgotten', async () => {
    const cache = new PerQueueCache<string>(1000);
    await cache.get(ref, async () => 'first');
    await new Promise((resolve) => setTimeout(resolve, 600));
    let finish!: (value: string) => void;
    expect(await cache.get(ref, () => new Promise<string>((resolve) => (finish = resolve)))).toBe('first');
    cache.forget(ref);
    expect(await cache.get(ref, async () => 'after the write')).toBe('after the write');
    finish('before the write');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await cache.get(ref, async () => 'reloaded')).toBe('after the write');
  });
});
