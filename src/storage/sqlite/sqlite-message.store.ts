import type Database from 'better-sqlite3';
import type {
  DeleteOutcome,
  MessageListOptions,
  MessagePage,
  MessageRecord,
  MessageStore,
  NewMessage,
  Notify,
  QueueRef,
} from '../storage.contract';
import { newTimeOrderedId } from '../time-ordered-id';
import { boundLimit } from './bound-limit';
import type { GroupCommit } from './group-commit';
import { MESSAGE_COLUMNS, type MessageRow, parseMessageMarker, toMessageRecord, toRecordsBySeq } from './message-row';
import type { QueueCounters } from './queue-counters';
import type { QueueEraser } from './queue-eraser';

const INSERT_COLUMNS =
  '(project, queue, seq, id, client_id, body, ttl, created, expires, delay_until, claim_id, claim_expires, claim_count)';
const INSERT_ROW = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, 0)';
const PARAMS_PER_ROW = 10;
/** Rows per multi-row INSERT; a post of n messages costs ceil(n / 32) statements. */
const INSERT_CHUNK = 32;

interface DeleteProbe {
  seq: number;
  claim_id: string | null;
  claim_expires: number | null;
}

export class SqliteMessageStore implements MessageStore {
  private readonly insertStatements = new Map<number, Database.Statement>();
  private readonly listPage: Database.Statement;
  private readonly getOne: Database.Statement;
  private readonly getSome: Database.Statement;
  private readonly probe: Database.Statement;
  private readonly claimIsValid: Database.Statement;
  private readonly deleteSeq: Database.Statement;
  private readonly deleteIds: Database.Statement;
  private readonly deleteIdsClaimed: Database.Statement;
  private readonly liveIds: Database.Statement;
  private readonly popFree: Database.Statement;
  private readonly purgeClaims: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly writes: GroupCommit,
    private readonly counters: QueueCounters,
    private readonly eraser: QueueEraser,
    private readonly outbox: (ref: QueueRef, messages: string, notify: Notify, now: number) => void,
  ) {
    // INDEXED BY throughout: without statistics the planner would rather range-scan expires and
    // sort the whole queue than walk (project, queue, seq) and stop at the limit.
    // Filters are bound as 0/1 flags so one cached statement serves every combination.
    this.listPage = db.prepare(
      `SELECT ${MESSAGE_COLUMNS} FROM messages INDEXED BY messages_queue_seq
        WHERE project = @project AND queue = @queue AND seq > @after AND expires > @now
          AND (@echo OR client_id <> @clientId)
          AND (@includeClaimed OR claim_id IS NULL OR claim_expires <= @now)
          AND (@includeDelayed OR delay_until <= @now)
        ORDER BY seq LIMIT ${boundLimit('@limit')}`,
    );
    this.getOne = db.prepare(
      `SELECT ${MESSAGE_COLUMNS} FROM messages INDEXED BY messages_queue_id
        WHERE project = ? AND queue = ? AND id = ? AND expires > ?`,
    );
    // Each id looked up in messages_queue_id, and the few found sorted.
    this.getSome = db.prepare(
      `SELECT ${MESSAGE_COLUMNS} FROM messages INDEXED BY messages_queue_id
        WHERE project = ? AND queue = ? AND id IN (SELECT value FROM json_each(?)) AND expires > ?
        ORDER BY seq`,
    );
    this.probe = db.prepare(
      `SELECT seq, claim_id, claim_expires FROM messages INDEXED BY messages_queue_id
        WHERE project = ? AND queue = ? AND id = ? AND expires > ?`,
    );
    this.claimIsValid = db
      .prepare('SELECT 1 FROM claims WHERE project = ? AND queue = ? AND id = ? AND expires > ?')
      .pluck();
    this.deleteSeq = db.prepare('DELETE FROM messages WHERE project = ? AND queue = ? AND seq = ?');
    this.deleteIds = db.prepare(
      `DELETE FROM messages INDEXED BY messages_queue_id
        WHERE project = ? AND queue = ? AND id IN (SELECT value FROM json_each(?))`,
    );
    this.deleteIdsClaimed = db.prepare(
      `DELETE FROM messages INDEXED BY messages_queue_id
        WHERE project = ? AND queue = ? AND id IN (SELECT value FROM json_each(?))
          AND claim_id IN (SELECT value FROM json_each(?)) AND claim_expires > ?`,
    );
    this.liveIds = db
      .prepare(
        `SELECT id FROM messages INDEXED BY messages_queue_id
          WHERE project = ? AND queue = ? AND id IN (SELECT value FROM json_each(?)) AND expires > ?
          ORDER BY seq`,
      )
      .pluck();
    this.popFree = db.prepare(
      `DELETE FROM messages
        WHERE project = @project AND queue = @queue AND seq IN (
          SELECT seq FROM messages INDEXED BY messages_queue_seq
           WHERE project = @project AND queue = @queue AND expires > @now AND delay_until <= @now
             AND (claim_id IS NULL OR claim_expires <= @now)
           ORDER BY seq LIMIT ${boundLimit('@limit')})
        RETURNING ${MESSAGE_COLUMNS}`,
    );
    this.purgeClaims = db.prepare('DELETE FROM claims WHERE project = ? AND queue = ?');
  }

  post(ref: QueueRef, clientId: string, messages: NewMessage[], now: number, notify?: Notify): Promise<string[]> {
    // Everything that can fail on the caller's input (ids, JSON) happens before the message joins a
    // commit group, so a bad post cannot cost its neighbours a retry.
    const count = messages.length;
    const ids = new Array<string>(count);
    const params = new Array<unknown>(count * PARAMS_PER_ROW);
    for (let i = 0, p = 0; i < count; i++) {
      const m = messages[i];
      const id = newTimeOrderedId();
      ids[i] = id;
      params[p++] = ref.project;
      params[p++] = ref.queue;
      p++; // seq, known once the group runs
      params[p++] = id;
      params[p++] = clientId;
      params[p++] = JSON.stringify(m.body) ?? 'null';
      params[p++] = m.ttl;
      params[p++] = now;
      params[p++] = now + m.ttl * 1000;
      params[p++] = now + m.delay * 1000;
    }
    if (count === 0) return Promise.resolve(ids);
    const notified = notify && JSON.stringify(messages.map((m, i) => [m.ttl, params[i * PARAMS_PER_ROW + 5]]));
    return this.writes.submit(() => {
      const last = this.counters.append(ref, count, now);
      for (let i = 0, seq = last - count + 1; i < count; i++, seq++) params[i * PARAMS_PER_ROW + 2] = seq;
      this.insertRows(params, count);
      if (notified) this.outbox(ref, notified, notify, now);
      return ids;
    });
  }

  async list(ref: QueueRef, options: MessageListOptions, now: number): Promise<MessagePage> {
    const rows = this.listPage.all({
      project: ref.project,
      queue: ref.queue,
      after: parseMessageMarker(options.marker),
      now,
      echo: options.echo ? 1 : 0,
      clientId: options.clientId,
      includeClaimed: options.includeClaimed ? 1 : 0,
      includeDelayed: options.includeDelayed ? 1 : 0,
      limit: options.limit,
    }) as MessageRow[];
    if (rows.length === 0) return { messages: [], marker: null };
    return {
      messages: rows.map((row) => toMessageRecord(row, now)),
      marker: String(rows[rows.length - 1].seq),
    };
  }

  async get(ref: QueueRef, id: string, now: number): Promise<MessageRecord | null> {
    const row = this.getOne.get(ref.project, ref.queue, id, now) as MessageRow | undefined;
    return row === undefined ? null : toMessageRecord(row, now);
  }

  async getMany(ref: QueueRef, ids: string[], now: number): Promise<MessageRecord[]> {
    if (ids.length === 0) return [];
    const rows = this.getSome.all(ref.project, ref.queue, JSON.stringify(ids), now) as MessageRow[];
    return rows.map((row) => toMessageRecord(row, now));
  }

  delete(ref: QueueRef, id: string, claimId: string | undefined, now: number): Promise<DeleteOutcome> {
    return this.writes.submit((): DeleteOutcome => {
      const found = this.probe.get(ref.project, ref.queue, id, now) as DeleteProbe | undefined;
      if (found === undefined) return 'missing';
      const heldBy = found.claim_id !== null && (found.claim_expires ?? 0) > now ? found.claim_id : null;
      if (claimId === undefined) {
        if (heldBy !== null) return 'claimed';
      } else if (heldBy === null) {
        return 'not-claimed';
      } else if (heldBy !== claimId) {
        return this.claimIsValid.get(ref.project, ref.queue, claimId, now) === undefined
          ? 'no-such-claim'
          : 'claimed-by-other';
      }
      this.counters.remove(ref, this.deleteSeq.run(ref.project, ref.queue, found.seq).changes);
      return 'deleted';
    });
  }

  deleteMany(
    ref: QueueRef,
    ids: string[],
    claimIds: string[] | undefined,
    now: number,
  ): Promise<{ deleted: number; refused: string[] }> {
    if (ids.length === 0) return Promise.resolve({ deleted: 0, refused: [] });
    const idList = JSON.stringify(ids);
    if (claimIds === undefined) {
      return this.writes.submit(() => {
        const deleted = this.deleteIds.run(ref.project, ref.queue, idList).changes;
        this.counters.remove(ref, deleted);
        return { deleted, refused: [] };
      });
    }
    const claimList = JSON.stringify(claimIds);
    return this.writes.submit(() => {
      const deleted = this.deleteIdsClaimed.run(ref.project, ref.queue, idList, claimList, now).changes;
      this.counters.remove(ref, deleted);
      // Whatever still lives among the ids was not held by one of the given claims.
      return { deleted, refused: this.liveIds.all(ref.project, ref.queue, idList, now) as string[] };
    });
  }

  pop(ref: QueueRef, limit: number, now: number): Promise<MessageRecord[]> {
    if (limit <= 0) return Promise.resolve([]);
    return this.writes.submit(() => {
      const rows = this.popFree.all({ project: ref.project, queue: ref.queue, now, limit }) as MessageRow[];
      this.counters.remove(ref, rows.length);
      return toRecordsBySeq(rows, now);
    });
  }

  /**
   * The messages go a step at a time (see QueueEraser); those posted meanwhile stay, as do claims
   * made on them. The queue row and its last_seq stay: markers handed out before the purge remain
   * meaningful.
   */
  purge(ref: QueueRef): Promise<void> {
    return this.eraser.erase(ref, { first: () => this.purgeClaims.run(ref.project, ref.queue) });
  }

  private insertRows(params: unknown[], count: number): void {
    let row = 0;
    while (row < count) {
      const n = Math.min(INSERT_CHUNK, count - row);
      const chunk = row === 0 && n === count ? params : params.slice(row * PARAMS_PER_ROW, (row + n) * PARAMS_PER_ROW);
      this.insertStatement(n).run(chunk);
      row += n;
    }
  }

  private insertStatement(rows: number): Database.Statement {
    let statement = this.insertStatements.get(rows);
    if (statement === undefined) {
      const values = new Array<string>(rows).fill(INSERT_ROW).join(', ');
      statement = this.db.prepare(`INSERT INTO messages ${INSERT_COLUMNS} VALUES ${values}`);
      this.insertStatements.set(rows, statement);
    }
    return statement;
  }
}
