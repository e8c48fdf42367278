import { MessageSignals, type Signal, type SignalChannel } from './message-signals';
import { decodeSignals, encodeSignals } from './signal-codec';

const REF = { project: 'p', queue: 'q' };

/** A channel that records what was published and lets a test deliver another process's signals. */
function recordingChannel() {
  const published: Signal[][] = [];
  let deliver: (signals: Signal[]) => void = () => undefined;
  const channel: SignalChannel = {
    open: async (d) => void (deliver = d),
    publish: (signals) => void published.push(signals),
    close: async () => undefined,
  };
  return { channel, published, fromElsewhere: (signals: Signal[]) => deliver(signals) };
}

async function started() {
  const recording = recordingChannel();
  const signals = new MessageSignals(recording.channel);
  await signals.onApplicationBootstrap();
  return { signals, ...recording };
}

/** A poll whose attempts find nothing until `supply` is called with what the next one finds. */
function pollOf(signals: MessageSignals, mode: 'list' | 'claim', waitMs: number, abort?: AbortSignal) {
  let attempts = 0;
  let next = 0;
  const result = signals.poll(
    REF,
    mode,
    waitMs,
    async () => {
      attempts++;
      const found = next;
      next = 0;
      return found;
    },
    (found) => found > 0,
    abort,
  );
  return { result, attempts: () => attempts, supply: (n: number) => void (next = n) };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('MessageSignals', () => {
  it('wakes one claimer per message, the longest waiting first, and every lister', async () => {
    const { signals } = await started();
    const first = pollOf(signals, 'claim', 5_000);
    const second = pollOf(signals, 'claim', 5_000);
    const lister = pollOf(signals, 'list', 5_000);
    await tick();
    first.supply(1);
    lister.supply(1);
    signals.posted(REF, 1);
    expect(await first.result).toBe(1);
    expect(await lister.result).toBe(1);
    await tick();
    expect(second.attempts()).toBe(1); // not woken: the one message went to the first
    second.supply(1);
    signals.posted(REF, 1);
    expect(await second.result).toBe(1);
  });

  it('misses no post that lands while an attempt is under way', async () => {
    const { signals } = await started();
    let calls = 0;
    const result = signals.poll(
      REF,
      'claim',
      5_000,
      async () => {
        calls++;
        if (calls === 1) signals.posted(REF, 1); // posted between the store's answer and the wait
        return calls === 2 ? 1 : 0;
      },
      (found) => found > 0,
    );
    expect(await result).toBe(1);
    expect(calls).toBe(2);
  });

  it('answers the last empty result at the deadline or when the caller goes away', async () => {
    const { signals } = await started();
    const began = Date.now();
    expect(await pollOf(signals, 'claim', 50).result).toBe(0);
    expect(Date.now() - began).toBeGreaterThanOrEqual(45);
    const gone = new AbortController();
    const waiting = pollOf(signals, 'list', 5_000, gone.signal);
    await tick();
    gone.abort();
    expect(await waiting.result).toBe(0);
  });

  it('hears other processes, and publishes its own posts once per tick, counts added up', async () => {
    const { signals, published, fromElsewhere } = await started();
    const waiting = pollOf(signals, 'claim', 5_000);
    await tick();
    waiting.supply(1);
    fromElsewhere([{ ref: REF, count: 1 }]);
    expect(await waiting.result).toBe(1);
    signals.posted(REF, 2);
    signals.posted(REF, 3);
    signals.posted({ project: 'p', queue: 'other' }, 1);
    await tick();
    expect(published).toEqual([
      [
        { ref: REF, count: 5 },
        { ref: { project: 'p', queue: 'other' }, count: 1 },
      ],
    ]);
  });
});

describe('signal codec', () => {
  it("drops this process's own signals and anything not well formed", () => {
    const own = encodeSignals([{ ref: REF, count: 1 }]);
    expect(decodeSignals(own)).toEqual([]);
    const theirs = JSON.stringify({ from: 'another process', signals: [['p', 'q', 2], ['p', 7, 1], 'junk'] });
    expect(decodeSignals(theirs)).toEqual([{ ref: REF, count: 2 }]);
    expect(decodeSignals('not json')).toEqual([]);
    expect(decodeSignals('null')).toEqual([]);
  });
});
