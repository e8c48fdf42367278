import { QUEUES, TOPICS, V1_1_QUEUES } from '../common/queue-space';
import { ActiveQueues } from './active-queues';

const names = (tracker: ActiveQueues) => tracker.list().map((q) => `${q.space.collection}/${q.project}/${q.queue}`);

describe('ActiveQueues', () => {
  const alpha = { project: 'alpha', space: QUEUES };

  it('keeps at most its capacity, dropping the least recently active first', () => {
    const tracker = new ActiveQueues(2);
    tracker.touch(alpha, 'a');
    tracker.touch(alpha, 'b');
    tracker.touch(alpha, 'c');
    expect(names(tracker)).toEqual(['queues/alpha/b', 'queues/alpha/c']);
  });

  it('moves a queue active again to the most recent end, so it outlives quieter ones', () => {
    const tracker = new ActiveQueues(2);
    tracker.touch(alpha, 'a');
    tracker.touch(alpha, 'b');
    tracker.touch(alpha, 'a');
    tracker.touch(alpha, 'c');
    expect(names(tracker)).toEqual(['queues/alpha/a', 'queues/alpha/c']);
  });

  it('tells projects and spaces apart; v1.1 and v2 name the same queue', () => {
    const tracker = new ActiveQueues(10);
    tracker.touch(alpha, 'q');
    tracker.touch({ project: 'beta', space: QUEUES }, 'q');
    tracker.touch({ project: 'alpha', space: TOPICS }, 'q');
    tracker.touch({ project: 'alpha', space: V1_1_QUEUES }, 'q');
    expect(names(tracker)).toEqual(['queues/beta/q', 'topics/alpha/q', 'queues/alpha/q']);
  });

  it('forgets a deleted queue', () => {
    const tracker = new ActiveQueues(10);
    tracker.touch(alpha, 'a');
    tracker.touch(alpha, 'b');
    tracker.forget(alpha, 'a');
    tracker.forget(alpha, 'never-seen');
    expect(names(tracker)).toEqual(['queues/alpha/b']);
  });

  it('tracks nothing with capacity 0', () => {
    const tracker = new ActiveQueues(0);
    tracker.touch(alpha, 'a');
    expect(tracker.list()).toEqual([]);
  });
});
