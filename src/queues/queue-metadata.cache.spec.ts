import { DEFAULT_LIMITS } from '../config/limits';
import type { Settings } from '../config/settings';
import type { Metadata, QueueRef, QueueStore } from '../storage/storage.contract';
import { QueueMetadataCache } from './queue-metadata.cache';

/** Counts reads of a queue store that holds one queue's metadata. */
function countingStore(metadata: Metadata | null) {
  const store = { reads: 0, metadata };
  const queues = {
    getMetadata: async (_ref: QueueRef) => {
      store.reads++;
      return store.metadata;
    },
  } as unknown as QueueStore;
  return { store, queues };
}

const settings = (metadataCacheMs: number) => ({ metadataCacheMs, limits: DEFAULT_LIMITS }) as Settings;
const ref = { project: 'p', queue: 'q' };

describe('queue metadata cache', () => {
  it('reuses metadata within its lifetime, and reads again once forgotten', async () => {
    const { store, queues } = countingStore({ a: 1 });
    const cache = new QueueMetadataCache(queues, settings(60_000));
    expect(await cache.get(ref)).toEqual({ a: 1 });
    expect(await cache.get(ref)).toEqual({ a: 1 });
    expect(store.reads).toBe(1);
    store.metadata = { a: 2 };
    cache.forget(ref);
    expect(await cache.get(ref)).toEqual({ a: 2 });
    expect(store.reads).toBe(2);
  });

  it('keeps projects apart', async () => {
    const { store, queues } = countingStore({ a: 1 });
    const cache = new QueueMetadataCache(queues, settings(60_000));
    await cache.get(ref);
    await cache.get({ project: 'other', queue: 'q' });
    expect(store.reads).toBe(2);
  });

  it('reads every time when disabled', async () => {
    const { store, queues } = countingStore(null);
    const cache = new QueueMetadataCache(queues, settings(0));
    await cache.get(ref);
    await cache.get(ref);
    expect(store.reads).toBe(2);
  });
});
