import { ClosedError, GroupCommit, type Transact } from './group-commit';

/** A fake transaction: records each group, and undoes its writes to `state` when the body throws. */
function fakeStore() {
  const state: string[] = [];
  const groups: number[] = [];
  const transact: Transact = <R>(body: () => R): R => {
    const before = state.length;
    groups.push(0);
    try {
      return body();
    } catch (error) {
      state.length = before;
      throw error;
    }
  };
  const write = (value: string) => () => {
    groups[groups.length - 1]++;
    state.push(value);
    return value;
  };
  return { state, groups, transact, write };
}

describe('GroupCommit', () => {
  it('runs operations submitted in the same tick in one transaction, in arrival order', async () => {
    const store = fakeStore();
    const commit = new GroupCommit(store.transact);
    const results = await Promise.all(['a', 'b', 'c'].map((v) => commit.submit(store.write(v))));
    expect(results).toEqual(['a', 'b', 'c']);
    expect(store.state).toEqual(['a', 'b', 'c']);
    expect(store.groups).toEqual([3]);
  });

  it('settles no promise before the group has committed', async () => {
    const store = fakeStore();
    const commit = new GroupCommit(store.transact);
    let settled = false;
    const pending = commit.submit(store.write('a')).then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    expect(store.state).toEqual([]);
    await pending;
    expect(settled).toBe(true);
  });

  it('starts a new group for work submitted after a flush', async () => {
    const store = fakeStore();
    const commit = new GroupCommit(store.transact);
    await commit.submit(store.write('a'));
    await Promise.all([commit.submit(store.write('b')), commit.submit(store.write('c'))]);
    expect(store.groups).toEqual([1, 2]);
  });

  it('rejects only the failing operation and commits the others, each alone, after a group fails', async () => {
    const store = fakeStore();
    const commit = new GroupCommit(store.transact);
    const boom = new Error('boom');
    const outcomes = await Promise.allSettled([
      commit.submit(store.write('a')),
      commit.submit(() => {
        store.state.push('partial');
        throw boom;
      }),
      commit.submit(store.write('c')),
    ]);
    expect(outcomes).toEqual([
      { status: 'fulfilled', value: 'a' },
      { status: 'rejected', reason: boom },
      { status: 'fulfilled', value: 'c' },
    ]);
    // The failed group left nothing behind, and the failing operation's partial write was undone.
    expect(store.state).toEqual(['a', 'c']);
  });

  it('rejects the whole group without retries when retryAlone says the failure is not an operation’s', async () => {
    const store = fakeStore();
    let attempts = 0;
    const busy = new Error('database is locked');
    const transact: Transact = () => {
      attempts++;
      throw busy;
    };
    const commit = new GroupCommit(transact, { windowMs: 0, maxBatch: 100, retryAlone: (e) => e !== busy });
    const outcomes = await Promise.allSettled([commit.submit(store.write('a')), commit.submit(store.write('b'))]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(attempts).toBe(1);
  });

  it('tells `committed` once per flush, before any caller hears, also after a group retried one by one', async () => {
    const store = fakeStore();
    const events: string[] = [];
    const commit = new GroupCommit(store.transact, {
      windowMs: 0,
      maxBatch: 100,
      committed: () => events.push(`committed after ${store.state.join('')}`),
    });
    await Promise.all(['a', 'b'].map((v) => commit.submit(store.write(v)).then(() => events.push(`${v} heard`))));
    await Promise.allSettled([
      commit.submit(store.write('c')),
      commit.submit(() => {
        throw new Error('boom');
      }),
    ]);
    expect(events).toEqual(['committed after ab', 'a heard', 'b heard', 'committed after abc']);
  });

  it('flushes at once when a group reaches maxBatch', async () => {
    const store = fakeStore();
    const commit = new GroupCommit(store.transact, { windowMs: 0, maxBatch: 2 });
    const first = commit.submit(store.write('a'));
    const second = commit.submit(store.write('b'));
    expect(store.state).toEqual(['a', 'b']);
    const third = commit.submit(store.write('c'));
    expect(commit.size).toBe(1);
    await Promise.all([first, second, third]);
    expect(store.groups).toEqual([2, 1]);
  });

  it('waits for the window when one is set', async () => {
    jest.useFakeTimers();
    try {
      const store = fakeStore();
      const commit = new GroupCommit(store.transact, { windowMs: 5, maxBatch: 100 });
      const a = commit.submit(store.write('a'));
      jest.advanceTimersByTime(4);
      const b = commit.submit(store.write('b'));
      expect(store.state).toEqual([]);
      jest.advanceTimersByTime(1);
      expect(store.groups).toEqual([2]);
      await expect(Promise.all([a, b])).resolves.toEqual(['a', 'b']);
    } finally {
      jest.useRealTimers();
    }
  });

  it('close commits what is queued and refuses more', async () => {
    const store = fakeStore();
    const commit = new GroupCommit(store.transact);
    const queued = commit.submit(store.write('a'));
    commit.close();
    expect(store.state).toEqual(['a']);
    await expect(queued).resolves.toBe('a');
    await expect(commit.submit(store.write('b'))).rejects.toBeInstanceOf(ClosedError);
  });
});
