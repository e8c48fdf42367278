import { WakeGate } from './wake-gate';

/** A task whose runs the test ends by hand. */
function controlledTask() {
  const ends: Array<() => void> = [];
  const task = jest.fn(() => new Promise<void>((resolve) => ends.push(resolve)));
  const endRun = async () => {
    ends.shift()!();
    await Promise.resolve();
    await Promise.resolve();
  };
  return { task, endRun };
}

describe('WakeGate', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs at once on a lone wake', () => {
    const { task } = controlledTask();
    new WakeGate(task, 20).wake();
    expect(task).toHaveBeenCalledTimes(1);
  });

  it('answers any number of wakes during a run with one run after it, no sooner than the gap', async () => {
    const { task, endRun } = controlledTask();
    const gate = new WakeGate(task, 20);
    gate.wake();
    for (let i = 0; i < 100; i++) gate.wake();
    expect(task).toHaveBeenCalledTimes(1);
    await endRun();
    expect(task).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(19);
    expect(task).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(1);
    expect(task).toHaveBeenCalledTimes(2);
    await endRun();
    jest.advanceTimersByTime(1000);
    expect(task).toHaveBeenCalledTimes(2);
  });

  it('a wake within the gap after a short run waits for the gap instead of being lost', async () => {
    const { task, endRun } = controlledTask();
    const gate = new WakeGate(task, 20);
    gate.wake();
    await endRun();
    jest.advanceTimersByTime(5);
    gate.wake();
    gate.wake();
    expect(task).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(15);
    expect(task).toHaveBeenCalledTimes(2);
  });

  it('runs no more once closed, and close waits for the run in progress', async () => {
    const { task, endRun } = controlledTask();
    const gate = new WakeGate(task, 20);
    gate.wake();
    let closed = false;
    const closing = gate.close().then(() => (closed = true));
    gate.wake();
    await Promise.resolve();
    expect(closed).toBe(false);
    await endRun();
    await closing;
    expect(gate.isClosed).toBe(true);
    jest.advanceTimersByTime(1000);
    gate.wake();
    expect(task).toHaveBeenCalledTimes(1);
  });
});
