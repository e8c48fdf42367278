import Database from 'better-sqlite3';
import { GroupCommit, type Transact } from './group-commit';
import { prepareQueueCounters } from './queue-counters';
import { QueueEraser, ROWS_PER_STEP } from './queue-eraser';
import { applySchema } from './schema';
import { SqliteClaimStore } from './sqlite-claim.store';
import { SqliteMessageStore } from './sqlite-message.store';

describe('QueueEraser', () => {
  const ref = { project: 'p', queue: 'q' };
  const now = Date.now();
  let db: Database.Database;
  let writes: GroupCommit;
  let messages: SqliteMessageStore;
  let claims: SqliteClaimStore;

  beforeEach(() => {
    db = new Database(':memory:');
    applySchema(db);
    const tx = db.transaction((body: () => unknown) => body());
    const transact: Transact = (body) => tx.immediate(body) as ReturnType<typeof body>;
    writes = new GroupCommit(transact);
    const counters = prepareQueueCounters(db);
    messages = new SqliteMessageStore(db, writes, counters, new QueueEraser(db, writes, counters), () => {});
    claims = new SqliteClaimStore(db, writes, counters);
  });

  afterEach(() => db.close());

  const rowsAndCount = () => ({
    rows: db.prepare('SELECT count(*) FROM messages').pluck().get(),
    counted: db.prepare('SELECT msg_count FROM queues').pluck().get(),
    claims: db.prepare('SELECT count(*) FROM claims').pluck().get(),
  });

  it('a step rolled back with its group and run again alone still runs the first hook and counts once', async () => {
    const bodies = Array.from({ length: ROWS_PER_STEP + 5 }, (_, i) => ({ body: i, ttl: 300, delay: 0 }));
    await messages.post(ref, 'c', bodies, now);
    await claims.create(ref, { ttl: 60, grace: 60, limit: 3 }, now);

    // Both join one group; the failing neighbour rolls the group back and each runs again alone.
    const purged = messages.purge(ref);
    const failed = writes.submit(() => {
      throw new Error('a neighbour fails');
    });
    await expect(failed).rejects.toThrow('a neighbour fails');
    await purged;

    expect(rowsAndCount()).toEqual({ rows: 0, counted: 0, claims: 0 });
  });

  it('leaves the messages posted while it runs, and counts them in', async () => {
    const bodies = Array.from({ length: 2 * ROWS_PER_STEP }, (_, i) => ({ body: i, ttl: 300, delay: 0 }));
    await messages.post(ref, 'c', bodies, now);

    const purged = messages.purge(ref);
    // Lands after the first step: newer than the purge.
    const late = new Promise((resolve) => setImmediate(resolve)).then(() =>
      messages.post(ref, 'c', [{ body: 'late', ttl: 300, delay: 0 }], now),
    );
    await Promise.all([purged, late]);

    expect(rowsAndCount()).toEqual({ rows: 1, counted: 1, claims: 0 });
  });
});
