import { StorageFull } from '../storage-full';
import { errorFromShape, errorShape } from './driver-thread.protocol';

describe('errors crossing from the SQLite thread', () => {
  it('keep their name, message and SQLite code', () => {
    const sent = Object.assign(new Error('UNIQUE constraint failed: queues.name'), {
      name: 'SqliteError',
      code: 'SQLITE_CONSTRAINT_PRIMARYKEY',
    });
    const received = errorFromShape(errorShape(sent));
    expect(received).toMatchObject({ name: 'SqliteError', message: sent.message, code: sent.code });
  });

  it('arrive as StorageFull when the disk was full', () => {
    const sent = Object.assign(new Error('database or disk is full'), { name: 'SqliteError', code: 'SQLITE_FULL' });
    const received = errorFromShape(errorShape(sent));
    expect(received).toBeInstanceOf(StorageFull);
    expect(received.message).toBe('the store is out of space (database or disk is full)');
  });
});
