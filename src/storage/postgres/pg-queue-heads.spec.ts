import { CLAIM_BATCH_SQL } from './pg-claim.store';
import { LIST_SQL, POP_SQL } from './pg-message.store';
import { QueueHeads } from './pg-queue-heads';
import { statsSql } from './pg-queue.store';

describe('QueueHeads', () => {
  it('starts at 0 and only ever moves forward, per queue', () => {
    const heads = new QueueHeads();
    expect(heads.get('p', 'q')).toBe('0');
    heads.raise('p', 'q', '41');
    heads.raise('p', 'q', '7');
    heads.raise('p', 'q', null);
    expect(heads.get('p', 'q')).toBe('41');
    heads.raise('p', 'q', '9007199254740993');
    expect(heads.get('p', 'q')).toBe('9007199254740993');
    expect(heads.get('p', 'other')).toBe('0');
    expect(heads.get('other', 'q')).toBe('0');
  });

  it('keeps projects and queues apart even when their names run together', () => {
    const heads = new QueueHeads();
    heads.raise('a/b', 'c', '5');
    expect(heads.get('a', 'b/c')).toBe('0');
  });

  it('forgets everything rather than growing past its capacity', () => {
    const heads = new QueueHeads(2);
    heads.raise('p', 'a', '1');
    heads.raise('p', 'b', '2');
    heads.raise('p', 'b', '3');
    expect(heads.get('p', 'a')).toBe('1');
    heads.raise('p', 'c', '4');
    expect(heads.get('p', 'a')).toBe('0');
    expect(heads.get('p', 'c')).toBe('4');
  });
});

describe('liveAt', () => {
  it('is how list, claim, pop and stats test liveness, so that none can walk the expires index instead', () => {
    const walks = {
      list: LIST_SQL,
      pop: POP_SQL,
      claim: CLAIM_BATCH_SQL,
      stats: statsSql({ project: 'p', queue: 'q' }, 1_700_000_000_000, '0'),
    };
    for (const [name, sql] of Object.entries(walks)) {
      expect({
        name,
        indexable: /(?<!claim_)expires\s*>/.test(sql),
        unindexable: sql.includes('expires + 0 >'),
      }).toEqual({
        name,
        indexable: false,
        unindexable: true,
      });
    }
  });
});
