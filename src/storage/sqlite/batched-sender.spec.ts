import { BatchedSender } from './batched-sender';

describe('BatchedSender', () => {
  it('posts what is sent before the microtasks run out as one batch, in order', async () => {
    const posted: number[][] = [];
    const sender = new BatchedSender<number>((batch) => posted.push(batch));
    sender.send(1);
    sender.send(2);
    sender.send(3);
    expect(posted).toEqual([]);
    await Promise.resolve();
    expect(posted).toEqual([[1, 2, 3]]);
  });

  it('starts a new batch after each flush', async () => {
    const posted: string[][] = [];
    const sender = new BatchedSender<string>((batch) => posted.push(batch));
    sender.send('a');
    await Promise.resolve();
    sender.send('b');
    sender.send('c');
    await Promise.resolve();
    expect(posted).toEqual([['a'], ['b', 'c']]);
  });
});
