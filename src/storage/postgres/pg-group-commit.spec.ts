import { GroupCommit } from './pg-group-commit';

/** A flush that records its batches and completes when told to. */
function manualFlush() {
  const batches: { key: string; items: string[] }[] = [];
  const pending: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  const flush = (key: string, items: string[]) =>
    new Promise<void>((resolve, reject) => {
      batches.push({ key, items });
      pending.push({ resolve, reject });
    });
  const settleNext = async (error?: unknown) => {
    await new Promise((r) => setImmediate(r));
    const p = pending.shift()!;
    if (error) p.reject(error);
    else p.resolve();
    await new Promise((r) => setImmediate(r));
  };
  return { batches, flush, settleNext };
}

describe('GroupCommit', () => {
  it('flushes an idle key at once and buffers what arrives meanwhile into the next flush, in order', async () => {
    const m = manualFlush();
    const gc = new GroupCommit<string>(m.flush, { maxWeight: 100 });
    const done: string[] = [];
    const submit = (item: string) => gc.submit('q', item, 1).then(() => done.push(item));
    const all = [submit('a'), submit('b'), submit('c'), submit('d')];
    await m.settleNext();
    expect(done).toEqual(['a']);
    await m.settleNext();
    await Promise.all(all);
    expect(m.batches.map((b) => b.items)).toEqual([['a'], ['b', 'c', 'd']]);
    expect(done).toEqual(['a', 'b', 'c', 'd']);
    expect(gc.activeKeys).toBe(0);
  });

  it('keys flush independently', async () => {
    const m = manualFlush();
    const gc = new GroupCommit<string>(m.flush, { maxWeight: 100 });
    const all = [gc.submit('q1', 'a', 1), gc.submit('q2', 'b', 1)];
    await new Promise((r) => setImmediate(r));
    expect(m.batches).toEqual([
      { key: 'q1', items: ['a'] },
      { key: 'q2', items: ['b'] },
    ]);
    await m.settleNext();
    await m.settleNext();
    await Promise.all(all);
  });

  it('settles each item with its own result when the flush returns one per item, also when retried alone', async () => {
    const gc = new GroupCommit<string, string>(
      async (_key, items) => {
        if (items.length > 1 && items.includes('bad')) throw new Error('refused');
        return items.map((item) => item.toUpperCase());
      },
      { maxWeight: 100 },
    );
    const first = gc.submit('q', 'a', 1);
    const rest = ['b', 'bad', 'c'].map((item) => gc.submit('q', item, 1));
    expect(await Promise.all([first, ...rest])).toEqual(['A', 'B', 'BAD', 'C']);
  });

  it('caps a flush by weight but never splits an item', async () => {
    const m = manualFlush();
    const gc = new GroupCommit<string>(m.flush, { maxWeight: 5 });
    const all = [gc.submit('q', 'first', 1), gc.submit('q', 'x', 3), gc.submit('q', 'y', 3), gc.submit('q', 'huge', 9)];
    for (let i = 0; i < 4; i++) await m.settleNext();
    await Promise.all(all);
    expect(m.batches.map((b) => b.items)).toEqual([['first'], ['x'], ['y'], ['huge']]);
  });

  it('retries a failed group item by item, so only the bad item fails', async () => {
    const flushed: string[][] = [];
    const gc = new GroupCommit<string>(
      async (_key, items) => {
        flushed.push(items);
        if (items.includes('bad')) throw Object.assign(new Error('refused'), { code: '22P02' });
      },
      { maxWeight: 100, retryAlone: (e) => (e as { code?: string }).code === '22P02' },
    );
    const outcomes = await Promise.allSettled(['ok1', 'ok2', 'bad', 'ok3'].map((i) => gc.submit('q', i, 1)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(flushed).toEqual([['ok1'], ['ok2', 'bad', 'ok3'], ['ok2'], ['bad'], ['ok3']]);
  });

  it('fails the whole group without retrying when the error is not about an item', async () => {
    let calls = 0;
    const gc = new GroupCommit<string>(
      async () => {
        calls++;
        if (calls > 1) throw new Error('connection lost');
      },
      { maxWeight: 100, retryAlone: () => false },
    );
    const outcomes = await Promise.allSettled(['a', 'b', 'c'].map((i) => gc.submit('q', i, 1)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(calls).toBe(2);
  });

  it('idle resolves once every buffered item has been flushed', async () => {
    const m = manualFlush();
    const gc = new GroupCommit<string>(m.flush, { maxWeight: 100 });
    await gc.idle();
    const all = [gc.submit('q', 'a', 1), gc.submit('q', 'b', 1)];
    let idle = false;
    const waiting = gc.idle().then(() => (idle = true));
    await m.settleNext();
    expect(idle).toBe(false);
    await m.settleNext();
    await Promise.all([...all, waiting]);
    expect(idle).toBe(true);
  });
});
