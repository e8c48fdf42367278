import { randomUUID } from 'node:crypto';
import type { MessageListOptions, MessageRecord, QueueRef, StorageDriver } from '../../src/storage/storage.contract';

/**
 * The storage contract suite: every provider runs these same tests, unchanged, from its own
 * `*.contract.spec.ts` (`describeStorageContract('sqlite', () => openSqliteDriver(url))`).
 *
 * - Each test works in its own random project, so tests never see each other's data and the suite
 *   can share a database with anything else.
 * - Time is passed in (`now`), never slept on. The suite's clock starts ten days in the past, so
 *   everything it writes is already expired in real time and a sweep run by the suite (at a time
 *   further in the past still) cannot remove live data of anyone else using the same database.
 */
export function describeStorageContract(name: string, open: () => Promise<StorageDriver>): void {
  const SECOND = 1000;
  const DAY = 86_400 * SECOND;
  const T0 = Date.now() - 10 * DAY;
  /** The producer posting in most tests, and a different reader, so echo does not hide messages. */
  const PRODUCER = randomUUID();
  const READER = randomUUID();

  describe(`storage contract: ${name}`, () => {
    let driver: StorageDriver;

    beforeAll(async () => {
      driver = await open();
    });

    afterAll(async () => {
      await driver?.close();
    });

    function newProject(): string {
      return `contract-${randomUUID()}`;
    }

    function newQueue(queue = 'jobs'): QueueRef {
      return { project: newProject(), queue };
    }

    interface PostOptions {
      ttl?: number;
      delay?: number;
      clientId?: string;
      now?: number;
    }

    function post(ref: QueueRef, bodies: unknown[], options: PostOptions = {}): Promise<string[]> {
      const { ttl = 300, delay = 0, clientId = PRODUCER, now = T0 } = options;
      return driver.messages.post(
        ref,
        clientId,
        bodies.map((body) => ({ body, ttl, delay })),
        now,
      );
    }

    function list(ref: QueueRef, now: number, options: Partial<MessageListOptions> = {}) {
      return driver.messages.list(
        ref,
        {
          limit: 20,
          clientId: READER,
          echo: false,
          includeClaimed: false,
          includeDelayed: false,
          ...options,
        },
        now,
      );
    }

    /** Every live message, claimed and delayed included, in queue order. */
    async function everything(ref: QueueRef, now: number): Promise<MessageRecord[]> {
      return (await list(ref, now, { limit: 1000, includeClaimed: true, includeDelayed: true, echo: true })).messages;
    }

    const bodiesOf = (messages: MessageRecord[]) => messages.map((m) => m.body);
    const idsOf = (messages: MessageRecord[]) => messages.map((m) => m.id);
    const claim = (ref: QueueRef, now: number, limit = 10, ttl = 60, grace = 60) =>
      driver.claims.create(ref, { ttl, grace, limit }, now);

    describe('queues', () => {
      it('create answers true for a new queue and false for an existing one, whose metadata stays', async () => {
        const ref = newQueue();
        expect(await driver.queues.create(ref, { _default_message_ttl: 300, a: { b: [1, 'two'] } }, T0)).toBe(true);
        expect(await driver.queues.create(ref, { replaced: true }, T0 + SECOND)).toBe(false);
        expect(await driver.queues.getMetadata(ref)).toEqual({ _default_message_ttl: 300, a: { b: [1, 'two'] } });
      });

      it('getMetadata answers null for a missing queue; setMetadata replaces, or answers false when missing', async () => {
        const ref = newQueue();
        expect(await driver.queues.getMetadata(ref)).toBeNull();
        expect(await driver.queues.setMetadata(ref, { x: 1 })).toBe(false);
        expect(await driver.queues.getMetadata(ref)).toBeNull();

        await driver.queues.create(ref, { x: 1, y: 2 }, T0);
        expect(await driver.queues.setMetadata(ref, { z: 'ü' })).toBe(true);
        expect(await driver.queues.getMetadata(ref)).toEqual({ z: 'ü' });
      });

      it('list pages by name strictly after the marker, ascending, with metadata only when detailed', async () => {
        const project = newProject();
        for (const queue of ['delta', 'alpha', 'echo', 'charlie', 'bravo']) {
          await driver.queues.create({ project, queue }, { name: queue }, T0);
        }

        const first = await driver.queues.list(project, { limit: 2, detailed: false });
        expect(first.map((q) => q.name)).toEqual(['alpha', 'bravo']);
        for (const q of first) expect(q.metadata).toBeUndefined();

        const second = await driver.queues.list(project, { marker: 'bravo', limit: 2, detailed: true });
        expect(second).toEqual([
          { name: 'charlie', metadata: { name: 'charlie' } },
          { name: 'delta', metadata: { name: 'delta' } },
        ]);

        expect(await driver.queues.list(project, { marker: 'delta', limit: 2, detailed: false })).toEqual([
          { name: 'echo' },
        ]);
        expect(await driver.queues.list(project, { marker: 'echo', limit: 2, detailed: false })).toEqual([]);
        // The marker need not be an existing name.
        expect(
          (await driver.queues.list(project, { marker: 'b', limit: 10, detailed: false })).map((q) => q.name),
        ).toEqual(['bravo', 'charlie', 'delta', 'echo']);
      });

      it('count counts the queues of the project', async () => {
        const project = newProject();
        expect(await driver.queues.count(project)).toBe(0);
        await driver.queues.create({ project, queue: 'a' }, {}, T0);
        await driver.queues.create({ project, queue: 'b' }, {}, T0);
        await post({ project, queue: 'c' }, ['implicitly created']);
        expect(await driver.queues.count(project)).toBe(3);
      });

      it('concurrent creates and deletes: one create of a name wins, each queue keeps its own metadata, deletes take their messages', async () => {
        const project = newProject();
        const names = ['a', 'b', 'c', 'd'];
        const firstRound = await Promise.all([
          ...names.map((queue) => driver.queues.create({ project, queue }, { name: queue }, T0)),
          driver.queues.create({ project, queue: 'a' }, { name: 'late' }, T0),
        ]);
        expect(firstRound).toEqual([true, true, true, true, false]);
        for (const queue of names) expect(await driver.queues.getMetadata({ project, queue })).toEqual({ name: queue });

        for (const queue of names) await post({ project, queue }, [queue]);
        await Promise.all(['a', 'c', 'missing'].map((queue) => driver.queues.delete({ project, queue })));
        expect((await driver.queues.list(project, { limit: 10, detailed: false })).map((q) => q.name)).toEqual([
          'b',
          'd',
        ]);
        for (const queue of ['a', 'c']) expect(await everything({ project, queue }, T0)).toEqual([]);
        expect(bodiesOf(await everything({ project, queue: 'b' }, T0))).toEqual(['b']);
        expect(await Promise.all(['a', 'b'].map((queue) => driver.queues.create({ project, queue }, {}, T0)))).toEqual([
          true,
          false,
        ]);
      });

      it('delete removes the queue with its messages and claims; deleting a missing queue is no error', async () => {
        const ref = newQueue();
        await driver.queues.create(ref, { keep: false }, T0);
        const [id] = await post(ref, ['a', 'b']);
        const held = await claim(ref, T0, 1);
        expect(held.messages).toHaveLength(1);

        await driver.queues.delete(ref);
        expect(await driver.queues.getMetadata(ref)).toBeNull();
        expect(await driver.queues.count(ref.project)).toBe(0);
        expect(await driver.messages.get(ref, id, T0)).toBeNull();
        expect(await driver.claims.get(ref, held.claimId, T0)).toBeNull();

        expect(await driver.queues.create(ref, {}, T0)).toBe(true);
        expect(await everything(ref, T0)).toEqual([]);
        expect((await driver.queues.stats(ref, T0)).total).toBe(0);

        await expect(driver.queues.delete(newQueue())).resolves.toBeUndefined();
      });

      it('delete removes a queue of thousands of messages, more than one transaction of a stepped delete takes', async () => {
        const ref = newQueue();
        await post(
          ref,
          Array.from({ length: 4005 }, (_, i) => i),
        );
        await claim(ref, T0, 10);

        await driver.queues.delete(ref);
        expect(await driver.queues.getMetadata(ref)).toBeNull();
        expect(await everything(ref, T0)).toEqual([]);
        await post(ref, ['after']);
        expect(bodiesOf(await everything(ref, T0))).toEqual(['after']);
        expect((await driver.queues.stats(ref, T0)).total).toBe(1);
      });

      it('a queue deleted and created again continues its order: a marker from before still sees new messages', async () => {
        const ref = newQueue();
        await post(ref, ['a', 'b']);
        const old = await list(ref, T0);
        await driver.queues.delete(ref);

        expect(await driver.queues.create(ref, { again: true }, T0)).toBe(true);
        await post(ref, ['new']);
        const page = await list(ref, T0, { marker: old.marker! });
        expect(bodiesOf(page.messages)).toEqual(['new']);

        // Re-created implicitly, by a post, likewise.
        await driver.queues.delete(ref);
        await post(ref, ['newer']);
        expect(bodiesOf((await list(ref, T0, { marker: page.marker! })).messages)).toEqual(['newer']);
        expect(await driver.queues.getMetadata(ref)).toEqual({});
      });
    });

    describe('posting and listing', () => {
      it('post returns one id per message in order; each reads back with body, ttl, created and no claim', async () => {
        const ref = newQueue();
        const ids = await post(ref, [{ n: 1 }, { n: 2 }, { n: 3 }], { ttl: 120, now: T0 + 5 });
        expect(ids).toHaveLength(3);
        expect(new Set(ids).size).toBe(3);

        for (const [i, id] of ids.entries()) {
          expect(await driver.messages.get(ref, id, T0 + SECOND)).toEqual({
            id,
            body: { n: i + 1 },
            ttl: 120,
            created: T0 + 5,
            claimId: null,
            claimCount: 0,
          });
        }
        expect(idsOf(await everything(ref, T0 + SECOND))).toEqual(ids);
      });

      it('posting to a missing queue creates it with empty metadata', async () => {
        const ref = newQueue();
        await post(ref, ['x']);
        expect(await driver.queues.getMetadata(ref)).toEqual({});
        expect(await driver.queues.create(ref, { late: true }, T0)).toBe(false);
      });

      it('bodies of every JSON type round-trip', async () => {
        const ref = newQueue();
        const bodies = [
          { nested: { list: [1, 2.5, -3, true, null], text: 'zaqar ✉ 日本' } },
          [1, 'two', { three: 3 }],
          'a plain string',
          42,
          0.5,
          false,
          null,
          {},
        ];
        const ids = await post(ref, bodies);
        expect(bodiesOf(await everything(ref, T0))).toEqual(bodies);
        expect((await driver.messages.get(ref, ids[0], T0))?.body).toEqual(bodies[0]);
      });

      it('bodies and client ids holding quotes, backslashes, commas and braces round-trip, also batched together', async () => {
        const ref = newQueue();
        const awkward = ['a "quoted" word', 'back\\slash \\"', '{1,2}', '[3, 4]', ', ', 'NULL', '\u0000 nul', '"'];
        const clientIds = ['client "one"', 'client \\two\\', 'client {3},', 'NULL'];
        await Promise.all(clientIds.map((clientId) => post(ref, [...awkward, { clientId }], { clientId })));
        const posted = clientIds.flatMap((clientId) => [...awkward, { clientId }].map((body) => ({ clientId, body })));
        expect(bodiesOf(await everything(ref, T0))).toEqual(posted.map((m) => m.body));
        // with echo off, a reader with one of these client ids sees every message but its own
        for (const clientId of clientIds) {
          const seen = bodiesOf((await list(ref, T0, { clientId, limit: 100 })).messages);
          expect(seen).toEqual(posted.filter((m) => m.clientId !== clientId).map((m) => m.body));
        }
      });

      it('each message of a batch keeps its own ttl and delay', async () => {
        const ref = newQueue();
        await Promise.all([
          driver.messages.post(
            ref,
            PRODUCER,
            [
              { body: 'short', ttl: 60, delay: 0 },
              { body: 'long', ttl: 1_209_600, delay: 0 },
              { body: 'later', ttl: 3600, delay: 900 },
            ],
            T0,
          ),
          post(ref, ['plain'], { ttl: 120, now: T0 + 1_000 }),
        ]);
        const all = await everything(ref, T0 + 1_000);
        expect(all.map((m) => [m.body, m.ttl, m.created])).toEqual([
          ['short', 60, T0],
          ['long', 1_209_600, T0],
          ['later', 3600, T0],
          ['plain', 120, T0 + 1_000],
        ]);
        const at = async (now: number) => bodiesOf((await list(ref, now, { echo: true })).messages);
        expect(await at(T0 + 59_999)).toEqual(['short', 'long', 'plain']);
        expect(await at(T0 + 60_000)).toEqual(['long', 'plain']);
        expect(await at(T0 + 899_999)).toEqual(['long']);
        expect(await at(T0 + 900_000)).toEqual(['long', 'later']);
        expect(await at(T0 + 1_209_599_999)).toEqual(['long']);
        expect(await at(T0 + 1_209_600_000)).toEqual([]);
      });

      it('messages keep FIFO order across posts, and markers page through them without gaps or repeats', async () => {
        const ref = newQueue();
        const expected: number[] = [];
        for (let p = 0; p < 4; p++) {
          const bodies = [0, 1, 2].map((i) => p * 3 + i);
          expected.push(...bodies);
          await post(ref, bodies, { now: T0 + p });
        }

        const seen: unknown[] = [];
        let marker: string | undefined;
        let pages = 0;
        for (;;) {
          const page = await list(ref, T0 + SECOND, { limit: 5, marker });
          if (page.messages.length === 0) {
            expect(page.marker).toBeNull();
            break;
          }
          expect(page.marker).not.toBeNull();
          seen.push(...bodiesOf(page.messages));
          marker = page.marker ?? undefined;
          pages++;
        }
        expect(seen).toEqual(expected);
        expect(pages).toBe(3);

        // A marker handed out earlier still pages on after more posts.
        await post(ref, ['late']);
        expect(bodiesOf((await list(ref, T0 + SECOND, { marker })).messages)).toEqual(['late']);
      });

      it('concurrent posts lose nothing and each keeps its own order', async () => {
        const ref = newQueue();
        const posts = Array.from({ length: 12 }, (_, p) => [`${p}-a`, `${p}-b`, `${p}-c`]);
        const results = await Promise.all(posts.map((bodies) => post(ref, bodies)));

        const listed = await everything(ref, T0);
        expect(listed).toHaveLength(36);
        const position = new Map(listed.map((m, i) => [m.id, i]));
        for (const [p, ids] of results.entries()) {
          const at = ids.map((id) => position.get(id));
          expect(at.every((i) => i !== undefined)).toBe(true);
          expect(at).toEqual([...at].sort((a, b) => a! - b!));
          expect(ids.map((id) => listed[position.get(id)!].body)).toEqual(posts[p]);
        }
      });

      it('a malformed marker reads as no marker', async () => {
        const ref = newQueue();
        await post(ref, ['a', 'b']);
        for (const marker of ['', 'abc', '-1', '1e3', "1'; DROP TABLE messages; --", 'ffffffffffffffffffffffffffff']) {
          expect(bodiesOf((await list(ref, T0, { marker })).messages)).toEqual(['a', 'b']);
        }
      });

      it('an empty page has a null marker, and the last page’s marker yields an empty page', async () => {
        const ref = newQueue();
        expect(await list(ref, T0)).toEqual({ messages: [], marker: null });
        await post(ref, ['a', 'b']);
        const page = await list(ref, T0);
        expect(bodiesOf(page.messages)).toEqual(['a', 'b']);
        expect(typeof page.marker).toBe('string');
        expect(await list(ref, T0, { marker: page.marker! })).toEqual({ messages: [], marker: null });
      });

      it('limit caps a page and the next page starts after it', async () => {
        const ref = newQueue();
        await post(ref, [1, 2, 3, 4, 5]);
        const first = await list(ref, T0, { limit: 2 });
        expect(bodiesOf(first.messages)).toEqual([1, 2]);
        const second = await list(ref, T0, { limit: 2, marker: first.marker! });
        expect(bodiesOf(second.messages)).toEqual([3, 4]);
      });

      it('a reader does not see its own messages unless echo is set', async () => {
        const ref = newQueue();
        await post(ref, ['mine-1'], { clientId: READER });
        await post(ref, ['theirs']);
        await post(ref, ['mine-2'], { clientId: READER });

        expect(bodiesOf((await list(ref, T0)).messages)).toEqual(['theirs']);
        expect(bodiesOf((await list(ref, T0, { echo: true })).messages)).toEqual(['mine-1', 'theirs', 'mine-2']);
      });

      it('claimed messages are listed only with includeClaimed, and show as free again once the claim expires', async () => {
        const ref = newQueue();
        await post(ref, ['a', 'b', 'c']);
        const held = await claim(ref, T0, 2, 60);

        expect(bodiesOf((await list(ref, T0 + SECOND)).messages)).toEqual(['c']);
        const all = await list(ref, T0 + SECOND, { includeClaimed: true });
        expect(bodiesOf(all.messages)).toEqual(['a', 'b', 'c']);
        expect(all.messages.map((m) => m.claimId)).toEqual([held.claimId, held.claimId, null]);

        const later = await list(ref, T0 + 60 * SECOND);
        expect(bodiesOf(later.messages)).toEqual(['a', 'b', 'c']);
        expect(later.messages.map((m) => m.claimId)).toEqual([null, null, null]);
      });

      it('delayed messages stay hidden until the delay elapses, unless includeDelayed', async () => {
        const ref = newQueue();
        await post(ref, ['now']);
        await post(ref, ['in 30s'], { delay: 30 });
        await post(ref, ['later'], { now: T0 + SECOND });

        expect(bodiesOf((await list(ref, T0 + 2 * SECOND)).messages)).toEqual(['now', 'later']);
        expect(bodiesOf((await list(ref, T0 + 2 * SECOND, { includeDelayed: true })).messages)).toEqual([
          'now',
          'in 30s',
          'later',
        ]);
        expect(bodiesOf((await list(ref, T0 + 30 * SECOND)).messages)).toEqual(['now', 'in 30s', 'later']);
      });

      it('expired messages vanish from list, get, getMany, stats, claims and pop at query time', async () => {
        const ref = newQueue();
        const [short] = await post(ref, ['short'], { ttl: 60 });
        const [long] = await post(ref, ['long'], { ttl: 600 });

        const before = T0 + 59 * SECOND;
        expect(bodiesOf((await list(ref, before)).messages)).toEqual(['short', 'long']);
        expect(await driver.messages.get(ref, short, before)).not.toBeNull();

        const after = T0 + 60 * SECOND;
        expect(bodiesOf((await list(ref, after)).messages)).toEqual(['long']);
        expect(await driver.messages.get(ref, short, after)).toBeNull();
        expect(idsOf(await driver.messages.getMany(ref, [short, long], after))).toEqual([long]);
        const stats = await driver.queues.stats(ref, after);
        expect(stats).toMatchObject({ total: 1, free: 1, claimed: 0 });
        expect(stats.oldest?.id).toBe(long);
        expect(idsOf((await claim(ref, after, 10)).messages)).toEqual([long]);

        const other = newQueue();
        await post(other, ['gone'], { ttl: 60 });
        expect(await driver.messages.pop(other, 10, after)).toEqual([]);
      });

      it('get answers null for unknown, malformed or foreign ids', async () => {
        const ref = newQueue();
        const [id] = await post(ref, ['x']);
        const sibling: QueueRef = { project: ref.project, queue: 'sibling' };
        const [siblingId] = await post(sibling, ['y']);

        for (const bad of [randomUUID(), '', 'not-an-id', "' OR 1=1 --", '%', '\u0000', 'x'.repeat(2000), siblingId]) {
          expect(await driver.messages.get(ref, bad, T0)).toBeNull();
        }
        expect(await driver.messages.get({ project: newProject(), queue: ref.queue }, id, T0)).toBeNull();
        expect((await driver.messages.get(ref, id, T0))?.body).toBe('x');
      });

      it('getMany returns the live messages among the ids in queue order, skipping unknown and malformed ones', async () => {
        const ref = newQueue();
        const ids = await post(ref, ['a', 'b', 'c', 'd']);
        const asked = [ids[3], 'garbage', ids[0], randomUUID(), ids[2], ids[0], "'); --"];
        const got = await driver.messages.getMany(ref, asked, T0);
        expect(bodiesOf(got)).toEqual(['a', 'c', 'd']);
        expect(await driver.messages.getMany(ref, [], T0)).toEqual([]);
        expect(await driver.messages.getMany({ project: newProject(), queue: ref.queue }, ids, T0)).toEqual([]);
      });

      it('ids compare case-sensitively, as the reference does: an upper-cased id finds nothing', async () => {
        const ref = newQueue();
        const [id] = await post(ref, ['x']);
        const upper = id.toUpperCase();
        expect(await driver.messages.get(ref, upper, T0)).toBeNull();
        expect(await driver.messages.getMany(ref, [upper], T0)).toEqual([]);
        expect(await driver.messages.delete(ref, upper, undefined, T0)).toBe('missing');
        expect(await driver.messages.deleteMany(ref, [upper], undefined, T0)).toEqual({ deleted: 0, refused: [] });
        const claim = await driver.claims.create(ref, { ttl: 60, grace: 60, limit: 10 }, T0);
        expect(await driver.claims.get(ref, claim.claimId!.toUpperCase(), T0)).toBeNull();
        expect(await driver.messages.delete(ref, id, claim.claimId!.toUpperCase(), T0)).not.toBe('deleted');
        expect((await driver.messages.get(ref, id, T0))?.body).toBe('x');
      });
    });

    describe('posts committed together', () => {
      it('posts arriving together keep arrival order and each gets consecutive seqs', async () => {
        const ref = newQueue();
        await Promise.all([
          post(ref, ['a1', 'a2', 'a3'], { clientId: 'a' }),
          post(ref, ['b1'], { clientId: 'b' }),
          post(ref, ['c1', 'c2'], { clientId: 'c' }),
        ]);
        const markers: (string | null)[] = [];
        let marker: string | undefined;
        for (;;) {
          const page = await list(ref, T0, { marker, limit: 1 });
          if (page.messages.length === 0) break;
          markers.push(page.marker);
          marker = page.marker!;
        }
        // consecutive, from wherever the queue's numbering starts
        const first = BigInt(markers[0]!);
        expect(markers).toEqual([0n, 1n, 2n, 3n, 4n, 5n].map((i) => String(first + i)));
        expect(bodiesOf(await everything(ref, T0))).toEqual(['a1', 'a2', 'a3', 'b1', 'c1', 'c2']);
      });

      it('a post that fails is rejected alone; the posts grouped with it are committed', async () => {
        const ref = newQueue();
        const outcomes = await Promise.allSettled([
          post(ref, ['before']),
          // NaN breaks a NOT NULL (or integer) constraint inside the shared transaction
          driver.messages.post(ref, PRODUCER, [{ body: 'bad', ttl: Number.NaN, delay: 0 }], T0),
          post(ref, ['after']),
        ]);
        expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect(bodiesOf(await everything(ref, T0))).toEqual(['before', 'after']);
      });

      it('posts with different clocks committed together each keep their own created, expiry and delay', async () => {
        const ref = newQueue();
        // the first post goes out alone; the two behind it share the next commit
        await Promise.all([
          post(ref, ['leader'], { ttl: 3600 }),
          post(ref, ['early'], { ttl: 60, delay: 10, now: T0 }),
          post(ref, ['late'], { ttl: 60, delay: 10, now: T0 + 5_000 }),
        ]);
        const all = await everything(ref, T0 + 5_000);
        expect(all.map((m) => [m.body, m.created])).toEqual([
          ['leader', T0],
          ['early', T0],
          ['late', T0 + 5_000],
        ]);
        const at = async (now: number) => bodiesOf((await list(ref, now, { echo: true })).messages);
        expect(await at(T0 + 9_999)).toEqual(['leader']);
        expect(await at(T0 + 10_000)).toEqual(['leader', 'early']);
        expect(await at(T0 + 15_000)).toEqual(['leader', 'early', 'late']);
        expect(await at(T0 + 60_000)).toEqual(['leader', 'late']);
        expect(await at(T0 + 65_000)).toEqual(['leader']);
      });

      it('many posts in one burst all land, in order', async () => {
        const ref = newQueue();
        const bodies = Array.from({ length: 2500 }, (_, i) => i);
        await Promise.all(bodies.map((i) => post(ref, [i])));
        expect(bodiesOf((await list(ref, T0, { limit: 3000, echo: true })).messages)).toEqual(bodies);
      });
    });

    describe('deleting messages', () => {
      it('delete removes a free message and answers missing for unknown messages and queues', async () => {
        const ref = newQueue();
        const [a, b] = await post(ref, ['a', 'b']);
        expect(await driver.messages.delete(ref, a, undefined, T0)).toBe('deleted');
        expect(await driver.messages.get(ref, a, T0)).toBeNull();
        expect(bodiesOf(await everything(ref, T0))).toEqual(['b']);

        expect(await driver.messages.delete(ref, a, undefined, T0)).toBe('missing');
        expect(await driver.messages.delete(ref, 'no-such-id', undefined, T0)).toBe('missing');
        expect(await driver.messages.delete(newQueue(), b, undefined, T0)).toBe('missing');
        expect(await driver.messages.delete(ref, b, randomUUID(), T0 + 400 * SECOND)).toBe('missing');
      });

      it('deleting a claimed message without a claim id answers claimed and keeps it', async () => {
        const ref = newQueue();
        const [id] = await post(ref, ['held']);
        await claim(ref, T0);
        expect(await driver.messages.delete(ref, id, undefined, T0 + SECOND)).toBe('claimed');
        expect(await driver.messages.get(ref, id, T0 + SECOND)).not.toBeNull();
        // Once the claim has expired the message is free and goes.
        expect(await driver.messages.delete(ref, id, undefined, T0 + 60 * SECOND)).toBe('deleted');
      });

      it('deleting with the holding claim id deletes a claimed message', async () => {
        const ref = newQueue();
        const [id] = await post(ref, ['held']);
        const held = await claim(ref, T0);
        expect(await driver.messages.delete(ref, id, held.claimId, T0 + SECOND)).toBe('deleted');
        expect(await driver.messages.get(ref, id, T0 + SECOND)).toBeNull();
      });

      it('deleting with a claim id answers not-claimed for a free message, also when its claim expired', async () => {
        const ref = newQueue();
        const [free, held] = await post(ref, ['free', 'held']);
        // Claim only the second message: claim the first, then release it.
        const first = await claim(ref, T0, 1);
        const second = await claim(ref, T0, 1, 60);
        await driver.claims.release(ref, first.claimId, T0);
        expect(idsOf(second.messages)).toEqual([held]);

        expect(await driver.messages.delete(ref, free, second.claimId, T0 + SECOND)).toBe('not-claimed');
        expect(await driver.messages.delete(ref, held, second.claimId, T0 + 60 * SECOND)).toBe('not-claimed');
        expect(await driver.messages.get(ref, held, T0 + 60 * SECOND)).not.toBeNull();
      });

      it('deleting with another claim id answers claimed-by-other while that claim is valid, else no-such-claim', async () => {
        const ref = newQueue();
        const [target] = await post(ref, ['target', 'other']);
        const holder = await claim(ref, T0, 1, 300);
        const other = await claim(ref, T0, 1, 60);
        expect(idsOf(holder.messages)).toEqual([target]);
        expect(other.messages).toHaveLength(1);

        expect(await driver.messages.delete(ref, target, other.claimId, T0 + SECOND)).toBe('claimed-by-other');
        expect(await driver.messages.delete(ref, target, randomUUID(), T0 + SECOND)).toBe('no-such-claim');
        expect(await driver.messages.delete(ref, target, 'not-a-uuid', T0 + SECOND)).toBe('no-such-claim');
        // The other claim has expired by now; the holder is still valid.
        expect(await driver.messages.delete(ref, target, other.claimId, T0 + 61 * SECOND)).toBe('no-such-claim');

        // A valid claim of another queue is no claim here.
        const sibling: QueueRef = { project: ref.project, queue: 'sibling' };
        await post(sibling, ['s']);
        const siblingClaim = await claim(sibling, T0, 1, 300);
        expect(await driver.messages.delete(ref, target, siblingClaim.claimId, T0 + SECOND)).toBe('no-such-claim');

        expect(await driver.messages.get(ref, target, T0 + 61 * SECOND)).not.toBeNull();
      });

      it('deleteMany without claim ids deletes the existing ids, claimed or not, ignores unknown ones and counts what it deleted', async () => {
        const ref = newQueue();
        const ids = await post(ref, ['a', 'b', 'c', 'd']);
        await claim(ref, T0, 1);
        expect(await driver.messages.deleteMany(ref, [ids[0], ids[2], randomUUID(), 'junk'], undefined, T0)).toEqual({
          deleted: 2,
          refused: [],
        });
        expect(bodiesOf(await everything(ref, T0))).toEqual(['b', 'd']);
        expect(await driver.messages.deleteMany(ref, [], undefined, T0)).toEqual({ deleted: 0, refused: [] });
      });

      it('deleteMany with claim ids deletes only messages held by those claims and refuses the rest', async () => {
        const ref = newQueue();
        const [m1, m2, m3, m4] = await post(ref, ['m1', 'm2', 'm3', 'm4']);
        const a = await claim(ref, T0, 2);
        const b = await claim(ref, T0, 1);
        expect(idsOf(a.messages)).toEqual([m1, m2]);
        expect(idsOf(b.messages)).toEqual([m3]);

        const result = await driver.messages.deleteMany(ref, [m1, m3, m4, randomUUID()], [a.claimId], T0 + SECOND);
        expect([...result.refused].sort()).toEqual([m3, m4].sort());
        expect(result.deleted).toBe(1);
        expect(bodiesOf(await everything(ref, T0 + SECOND))).toEqual(['m2', 'm3', 'm4']);

        expect(await driver.messages.deleteMany(ref, [m2, m3], [a.claimId, b.claimId], T0 + SECOND)).toEqual({
          deleted: 2,
          refused: [],
        });
        expect(bodiesOf(await everything(ref, T0 + SECOND))).toEqual(['m4']);

        // An expired claim holds nothing.
        const c = await claim(ref, T0 + SECOND, 1, 60);
        expect(idsOf(c.messages)).toEqual([m4]);
        expect(await driver.messages.deleteMany(ref, [m4], [c.claimId], T0 + 61 * SECOND)).toEqual({
          deleted: 0,
          refused: [m4],
        });
      });

      it('concurrent deletes of every kind on one queue each keep their own rules', async () => {
        const ref = newQueue();
        const [a1, a2, b1, free1, free2, loose1, loose2] = await post(ref, ['a1', 'a2', 'b1', 'f1', 'f2', 'l1', 'l2']);
        const a = await claim(ref, T0, 2);
        const b = await claim(ref, T0, 1);
        const c = await claim(ref, T0, 1); // holds free1 until the deletes below free it
        await driver.claims.release(ref, c.claimId, T0);
        const now = T0 + SECOND;
        const results = await Promise.all([
          driver.messages.deleteMany(ref, [a1, a2, b1], [a.claimId], now),
          driver.messages.delete(ref, free1, undefined, now),
          driver.messages.delete(ref, b1, a.claimId, now),
          driver.messages.delete(ref, b1, undefined, now),
          driver.messages.delete(ref, free2, b.claimId, now),
          driver.messages.deleteMany(ref, [loose1, loose2], undefined, now),
          driver.messages.delete(ref, randomUUID(), undefined, now),
        ]);
        expect(results).toEqual([
          { deleted: 2, refused: [b1] },
          'deleted',
          'claimed-by-other',
          'claimed',
          'not-claimed',
          { deleted: 2, refused: [] },
          'missing',
        ]);
        expect(bodiesOf(await everything(ref, now))).toEqual(['b1', 'f2']);
      });

      it('pop removes and returns up to limit free, visible, live messages in order', async () => {
        const ref = newQueue();
        await post(ref, ['claimed', 'a']);
        await post(ref, ['delayed'], { delay: 100 });
        await post(ref, ['expiring'], { ttl: 30 });
        await post(ref, ['b', 'c', 'd']);
        await claim(ref, T0, 1, 60);

        const now = T0 + 30 * SECOND;
        const popped = await driver.messages.pop(ref, 3, now);
        expect(bodiesOf(popped)).toEqual(['a', 'b', 'c']);
        expect(popped.every((m) => m.claimId === null)).toBe(true);
        expect(bodiesOf(await everything(ref, now))).toEqual(['claimed', 'delayed', 'd']);

        // At 60 s the claim has expired, so 'claimed' is free; 'delayed' stays hidden until 100 s.
        expect(bodiesOf(await driver.messages.pop(ref, 10, T0 + 60 * SECOND))).toEqual(['claimed', 'd']);
        expect(bodiesOf(await driver.messages.pop(ref, 10, T0 + 100 * SECOND))).toEqual(['delayed']);
        expect(await driver.messages.pop(ref, 10, T0 + 100 * SECOND)).toEqual([]);
        expect(await driver.messages.pop(newQueue(), 10, T0)).toEqual([]);
      });

      it('purge removes every message and claim but keeps the queue, its metadata and FIFO for new posts', async () => {
        const ref = newQueue();
        await driver.queues.create(ref, { kept: true }, T0);
        const [id] = await post(ref, ['a', 'b', 'c']);
        const held = await claim(ref, T0, 2);
        const before = await list(ref, T0, { includeClaimed: true });

        await driver.messages.purge(ref);
        expect(await everything(ref, T0)).toEqual([]);
        expect(await driver.messages.get(ref, id, T0)).toBeNull();
        expect(await driver.claims.get(ref, held.claimId, T0)).toBeNull();
        expect(await driver.queues.getMetadata(ref)).toEqual({ kept: true });

        await post(ref, ['x', 'y']);
        expect(bodiesOf(await everything(ref, T0))).toEqual(['x', 'y']);
        // A marker from before the purge does not hide what came after it.
        expect(bodiesOf((await list(ref, T0, { marker: before.marker! })).messages)).toEqual(['x', 'y']);
      });

      it('purge removes a queue of thousands of messages and counts every one of them out', async () => {
        const ref = newQueue();
        await post(
          ref,
          Array.from({ length: 4005 }, (_, i) => i),
        );
        const held = await claim(ref, T0, 10);

        await driver.messages.purge(ref);
        expect(await everything(ref, T0)).toEqual([]);
        expect(await driver.claims.get(ref, held.claimId, T0)).toBeNull();
        expect((await driver.queues.stats(ref, T0)).total).toBe(0);
        await post(ref, ['after']);
        expect((await driver.queues.stats(ref, T0)).total).toBe(1);
      });
    });

    describe('claims', () => {
      it('a claim takes the oldest free messages up to the limit, in order, marking them with its id and count', async () => {
        const ref = newQueue();
        const ids = await post(ref, ['a', 'b', 'c', 'd', 'e']);
        const held = await claim(ref, T0 + SECOND, 3, 120, 60);

        expect(typeof held.claimId).toBe('string');
        expect(idsOf(held.messages)).toEqual(ids.slice(0, 3));
        for (const m of held.messages) {
          expect(m.claimId).toBe(held.claimId);
          expect(m.claimCount).toBe(1);
        }
        const m = await driver.messages.get(ref, ids[0], T0 + 2 * SECOND);
        expect(m).toMatchObject({ claimId: held.claimId, claimCount: 1 });
        expect((await driver.messages.get(ref, ids[3], T0 + 2 * SECOND))?.claimId).toBeNull();
      });

      it('claimed messages are not claimed again while the claim is valid', async () => {
        const ref = newQueue();
        await post(ref, ['a', 'b', 'c']);
        const first = await claim(ref, T0, 2);
        const second = await claim(ref, T0 + SECOND, 2);
        expect(bodiesOf(first.messages)).toEqual(['a', 'b']);
        expect(bodiesOf(second.messages)).toEqual(['c']);
        expect(second.claimId).not.toBe(first.claimId);
        expect((await claim(ref, T0 + 2 * SECOND, 10)).messages).toEqual([]);
      });

      it('concurrent claims never share a message', async () => {
        const ref = newQueue();
        await post(
          ref,
          Array.from({ length: 20 }, (_, i) => i),
        );
        const batches = await Promise.all(Array.from({ length: 8 }, () => claim(ref, T0, 3)));
        const claimed = batches.flatMap((b) => idsOf(b.messages));
        expect(new Set(claimed).size).toBe(claimed.length);
        expect(claimed).toHaveLength(20);
        expect(new Set(batches.filter((b) => b.messages.length > 0).map((b) => b.claimId)).size).toBe(
          batches.filter((b) => b.messages.length > 0).length,
        );
      });

      it('concurrent claims with their own limits, ttls and graces each get theirs: disjoint, in order, oldest first', async () => {
        const ref = newQueue();
        const ids = await post(
          ref,
          Array.from({ length: 12 }, (_, i) => i),
          { ttl: 30 },
        );
        const asks = [
          { limit: 5, ttl: 100, grace: 10 },
          { limit: 3, ttl: 200, grace: 20 },
          { limit: 10, ttl: 300, grace: 0 },
          { limit: 1, ttl: 400, grace: 40 },
        ];
        const held = await Promise.all(asks.map((a, i) => claim(ref, T0 + i, a.limit, a.ttl, a.grace)));
        const claimed = held.flatMap((h) => idsOf(h.messages));
        expect([...claimed].sort()).toEqual([...ids].sort());
        for (const [i, h] of held.entries()) {
          expect(h.messages.length).toBeLessThanOrEqual(asks[i].limit);
          const at = idsOf(h.messages).map((id) => ids.indexOf(id));
          expect(at).toEqual([...at].sort((a, b) => a - b));
          for (const m of h.messages) {
            expect(m).toMatchObject({ claimId: h.claimId, claimCount: 1, ttl: asks[i].ttl + asks[i].grace });
          }
          if (h.messages.length === 0) continue;
          const info = await driver.claims.get(ref, h.claimId, T0 + 5);
          expect(info).toMatchObject({ ttl: asks[i].ttl, updated: T0 + i });
          expect(idsOf(info!.messages)).toEqual(idsOf(h.messages));
        }
      });

      it('claims made together are dealt the free messages in the order they were made, around held ones', async () => {
        const ref = newQueue();
        const ids = await post(
          ref,
          Array.from({ length: 12 }, (_, i) => i),
        );
        await claim(ref, T0, 2);
        const released = await claim(ref, T0, 2);
        await claim(ref, T0, 2);
        await driver.claims.release(ref, released.claimId, T0);
        // Free now: 2, 3, then 6 to 11; 0, 1, 4 and 5 are held.
        const held = await Promise.all([1, 3, 2, 5].map((limit) => claim(ref, T0 + SECOND, limit)));
        expect(held.map((h) => idsOf(h.messages))).toEqual([
          [ids[2]],
          [ids[3], ids[6], ids[7]],
          [ids[8], ids[9]],
          [ids[10], ids[11]],
        ]);
        for (const h of held) {
          expect(idsOf((await driver.claims.get(ref, h.claimId, T0 + SECOND))!.messages)).toEqual(idsOf(h.messages));
        }
      });

      it('claiming an empty, missing or fully claimed queue returns no messages and stores no claim', async () => {
        const missing = await claim(newQueue(), T0);
        expect(missing.messages).toEqual([]);
        expect(typeof missing.claimId).toBe('string');

        const ref = newQueue();
        await driver.queues.create(ref, {}, T0);
        const empty = await claim(ref, T0);
        expect(empty.messages).toEqual([]);
        expect(await driver.claims.get(ref, empty.claimId, T0)).toBeNull();

        await post(ref, ['only']);
        await claim(ref, T0);
        const none = await claim(ref, T0 + SECOND);
        expect(none.messages).toEqual([]);
        expect(await driver.claims.get(ref, none.claimId, T0 + SECOND)).toBeNull();
        expect(await driver.claims.renew(ref, none.claimId, 60, 60, T0 + SECOND)).toBe(false);
      });

      it('delayed messages are not claimed until their delay has elapsed', async () => {
        const ref = newQueue();
        await post(ref, ['delayed'], { delay: 30 });
        await post(ref, ['ready']);
        expect(bodiesOf((await claim(ref, T0)).messages)).toEqual(['ready']);
        expect(bodiesOf((await claim(ref, T0 + 30 * SECOND)).messages)).toEqual(['delayed']);
      });

      it('an expired claim frees its messages: the claim is gone and they can be claimed again, counted twice', async () => {
        const ref = newQueue();
        const [id] = await post(ref, ['a'], { ttl: 3600 });
        const first = await claim(ref, T0, 10, 60);
        expect(await driver.claims.get(ref, first.claimId, T0 + 59 * SECOND)).not.toBeNull();

        const expired = T0 + 60 * SECOND;
        expect(await driver.claims.get(ref, first.claimId, expired)).toBeNull();
        expect(await driver.messages.get(ref, id, expired)).toMatchObject({ claimId: null, claimCount: 1 });
        expect(await driver.claims.renew(ref, first.claimId, 60, 60, expired)).toBe(false);

        const second = await claim(ref, expired, 10, 60);
        expect(idsOf(second.messages)).toEqual([id]);
        expect(second.messages[0]).toMatchObject({ claimId: second.claimId, claimCount: 2 });
      });

      it('grace keeps a claimed message alive until the claim ends plus grace, raising its ttl', async () => {
        const ref = newQueue();
        const [short] = await post(ref, ['short'], { ttl: 60 });
        const [durable] = await post(ref, ['durable'], { ttl: 1000 });

        const held = await claim(ref, T0, 10, 100, 50);
        const byId = new Map(held.messages.map((m) => [m.id, m]));
        expect(byId.get(short)?.ttl).toBe(150);
        expect(byId.get(durable)?.ttl).toBe(1000);

        // Without the grace 'short' would have died at 60 s.
        expect(await driver.messages.get(ref, short, T0 + 149 * SECOND)).toMatchObject({ ttl: 150, claimId: null });
        expect(await driver.messages.get(ref, short, T0 + 150 * SECOND)).toBeNull();
        expect((await driver.messages.get(ref, durable, T0 + 999 * SECOND))?.ttl).toBe(1000);
      });

      it('get returns the claim’s ttl, update time and the live messages it still holds', async () => {
        const ref = newQueue();
        const ids = await post(ref, ['a', 'b', 'c']);
        const held = await claim(ref, T0 + 7, 10, 90);
        await driver.messages.delete(ref, ids[1], held.claimId, T0 + SECOND);

        const info = await driver.claims.get(ref, held.claimId, T0 + 2 * SECOND);
        expect(info).not.toBeNull();
        expect(info!.id).toBe(held.claimId);
        expect(info!.ttl).toBe(90);
        expect(info!.updated).toBe(T0 + 7);
        expect(bodiesOf(info!.messages)).toEqual(['a', 'c']);
        expect(info!.messages.every((m) => m.claimId === held.claimId)).toBe(true);
      });

      it('get answers null for unknown ids and for a claim of another queue or project', async () => {
        const ref = newQueue();
        await post(ref, ['a']);
        const held = await claim(ref, T0);
        expect(await driver.claims.get(ref, randomUUID(), T0)).toBeNull();
        expect(await driver.claims.get(ref, "x' OR '1'='1", T0)).toBeNull();
        expect(await driver.claims.get({ project: ref.project, queue: 'other' }, held.claimId, T0)).toBeNull();
        expect(await driver.claims.get({ project: newProject(), queue: ref.queue }, held.claimId, T0)).toBeNull();
      });

      it('renew resets the claim from now and extends its messages to the new end plus grace', async () => {
        const ref = newQueue();
        const [id] = await post(ref, ['a'], { ttl: 60 });
        const held = await claim(ref, T0, 10, 60, 60); // message now lives to T0 + 120 s, ttl 120
        expect(held.messages[0].ttl).toBe(120);

        const renewedAt = T0 + 50 * SECOND;
        expect(await driver.claims.renew(ref, held.claimId, 120, 30, renewedAt)).toBe(true);

        const info = await driver.claims.get(ref, held.claimId, T0 + 169 * SECOND);
        expect(info).toMatchObject({ id: held.claimId, ttl: 120, updated: renewedAt });
        expect(idsOf(info!.messages)).toEqual([id]);
        expect(await driver.claims.get(ref, held.claimId, T0 + 170 * SECOND)).toBeNull();

        // Claim ends at 170 s, plus 30 s grace: the message lives to 200 s with ttl 150.
        expect(await driver.messages.get(ref, id, T0 + 169 * SECOND)).toMatchObject({
          claimId: held.claimId,
          ttl: 150,
        });
        expect(await driver.messages.get(ref, id, T0 + 199 * SECOND)).toMatchObject({ claimId: null, ttl: 150 });
        expect(await driver.messages.get(ref, id, T0 + 200 * SECOND)).toBeNull();
        // Still held after the original claim's end.
        expect(bodiesOf((await list(ref, T0 + 100 * SECOND)).messages)).toEqual([]);
      });

      it('renew answers false for an unknown or expired claim', async () => {
        const ref = newQueue();
        await post(ref, ['a']);
        const held = await claim(ref, T0, 10, 60);
        expect(await driver.claims.renew(ref, randomUUID(), 60, 60, T0)).toBe(false);
        expect(await driver.claims.renew({ project: ref.project, queue: 'other' }, held.claimId, 60, 60, T0)).toBe(
          false,
        );
        expect(await driver.claims.renew(ref, held.claimId, 60, 60, T0 + 60 * SECOND)).toBe(false);
        expect(await driver.claims.get(ref, held.claimId, T0 + 60 * SECOND)).toBeNull();
      });

      it('release frees the claim’s messages and forgets the claim; releasing a missing claim is no error', async () => {
        const ref = newQueue();
        const ids = await post(ref, ['a', 'b']);
        const held = await claim(ref, T0);
        await driver.claims.release(ref, held.claimId, T0 + SECOND);

        expect(await driver.claims.get(ref, held.claimId, T0 + SECOND)).toBeNull();
        const listed = await list(ref, T0 + SECOND);
        expect(idsOf(listed.messages)).toEqual(ids);
        expect(listed.messages.every((m) => m.claimId === null && m.claimCount === 1)).toBe(true);
        expect(idsOf((await claim(ref, T0 + SECOND)).messages)).toEqual(ids);

        await expect(driver.claims.release(ref, randomUUID(), T0)).resolves.toBeUndefined();
        await expect(driver.claims.release(newQueue(), randomUUID(), T0)).resolves.toBeUndefined();
      });

      it('releasing a claim in another queue leaves the claim and its messages alone', async () => {
        const ref = newQueue();
        await post(ref, ['a']);
        const held = await claim(ref, T0);
        await driver.claims.release({ project: ref.project, queue: 'other' }, held.claimId, T0);
        await driver.claims.release({ project: newProject(), queue: ref.queue }, held.claimId, T0);
        expect(await driver.claims.get(ref, held.claimId, T0)).not.toBeNull();
        expect((await list(ref, T0)).messages).toEqual([]);
      });

      it('dead letter: a message claimed maxClaimCount times moves to the end of the dead-letter queue at its next claim', async () => {
        const ref = newQueue('work');
        const dlq: QueueRef = { project: ref.project, queue: 'dead' };
        const [tired, fresh] = await post(ref, [{ n: 'tired' }, { n: 'fresh' }], { ttl: 3600 });
        const [earlier] = await post(dlq, ['already dead']);
        const deadLetter = { maxClaimCount: 1, queue: 'dead', ttl: 500 };

        // First claim of 'tired' (count 0 → 1): it stays.
        const first = await driver.claims.create(ref, { ttl: 60, grace: 60, limit: 1, deadLetter }, T0);
        expect(idsOf(first.messages)).toEqual([tired]);
        expect(first.deadLettered).toBeUndefined();

        // Claim expired; 'tired' has been claimed once already, so the next claim moves it.
        const now = T0 + 61 * SECOND;
        const second = await driver.claims.create(ref, { ttl: 60, grace: 60, limit: 10, deadLetter }, now);
        expect(idsOf(second.messages)).toEqual([fresh]);
        expect(second.deadLettered).toBe(1);

        expect(await driver.messages.get(ref, tired, now)).toBeNull();
        expect(idsOf(await everything(ref, now))).toEqual([fresh]);

        const dead = await everything(dlq, now);
        expect(idsOf(dead)).toEqual([earlier, tired]);
        expect(dead[1]).toMatchObject({ id: tired, body: { n: 'tired' }, ttl: 500, claimId: null });
        // Free in the dead-letter queue: listable and claimable there.
        expect(idsOf((await list(dlq, now)).messages)).toEqual([earlier, tired]);
        // Lives policy ttl from the move.
        expect(await driver.messages.get(dlq, tired, now + 499 * SECOND)).not.toBeNull();
        expect(await driver.messages.get(dlq, tired, now + 500 * SECOND)).toBeNull();
        expect(idsOf((await claim(dlq, now, 10)).messages)).toEqual([earlier, tired]);
      });

      it('dead letter: without a policy ttl a moved message keeps its own; the queue is created, and a claim of only dead messages is empty', async () => {
        const ref = newQueue('work');
        const dlq: QueueRef = { project: ref.project, queue: 'graveyard' };
        const [id] = await post(ref, ['x'], { ttl: 400 });
        const deadLetter = { maxClaimCount: 2, queue: 'graveyard' };
        const options = { ttl: 60, grace: 60, limit: 5, deadLetter };

        expect(idsOf((await driver.claims.create(ref, options, T0)).messages)).toEqual([id]);
        expect(idsOf((await driver.claims.create(ref, options, T0 + 60 * SECOND)).messages)).toEqual([id]);
        const third = await driver.claims.create(ref, options, T0 + 120 * SECOND);
        expect(third.messages).toEqual([]);
        expect(third.deadLettered).toBe(1);
        expect(await driver.claims.get(ref, third.claimId, T0 + 120 * SECOND)).toBeNull();

        expect(await driver.queues.getMetadata(dlq)).toEqual({});
        const moved = await everything(dlq, T0 + 120 * SECOND);
        expect(moved).toHaveLength(1);
        expect(moved[0]).toMatchObject({ id, body: 'x', ttl: 400, claimId: null });
        expect(await driver.messages.get(dlq, id, T0 + 519 * SECOND)).not.toBeNull();
        expect(await driver.messages.get(dlq, id, T0 + 520 * SECOND)).toBeNull();
      });
    });

    describe('stats', () => {
      it('stats count total, claimed and free live messages and name the oldest and newest', async () => {
        const ref = newQueue();
        const ids = await post(ref, ['a', 'b', 'c', 'd'], { now: T0 });
        await post(ref, ['delayed'], { delay: 100, now: T0 + 5 });
        const held = await claim(ref, T0 + SECOND, 2);

        const stats = await driver.queues.stats(ref, T0 + 2 * SECOND);
        expect(stats).toMatchObject({ total: 5, claimed: 2, free: 3 });
        expect(stats.oldest).toMatchObject({ id: ids[0], body: 'a', created: T0, claimId: held.claimId });
        expect(stats.newest).toMatchObject({ body: 'delayed', created: T0 + 5, claimId: null });
      });

      it('an expired claim counts as free in stats', async () => {
        const ref = newQueue();
        await post(ref, ['a', 'b']);
        await claim(ref, T0, 1, 60);
        expect(await driver.queues.stats(ref, T0 + 59 * SECOND)).toMatchObject({ total: 2, claimed: 1, free: 1 });
        expect(await driver.queues.stats(ref, T0 + 60 * SECOND)).toMatchObject({ total: 2, claimed: 0, free: 2 });
      });

      it('stats stay exact through deletes, deleteMany, pop, dead-lettering and purge', async () => {
        const ref = newQueue();
        const dlq: QueueRef = { project: ref.project, queue: 'dlq' };
        const total = async (queue: QueueRef, now = T0 + SECOND) => (await driver.queues.stats(queue, now)).total;
        const ids = await post(
          ref,
          Array.from({ length: 10 }, (_, i) => i),
        );
        await post(ref, ['short-1', 'short-2'], { ttl: 60 });
        expect(await total(ref)).toBe(12);

        await driver.messages.delete(ref, ids[0], undefined, T0);
        await driver.messages.delete(ref, ids[0], undefined, T0); // already gone
        expect(await total(ref)).toBe(11);

        await driver.messages.deleteMany(ref, [ids[1], ids[2], ids[2], randomUUID()], undefined, T0);
        expect(await total(ref)).toBe(9);

        const held = await claim(ref, T0, 2); // ids 3 and 4
        await driver.messages.deleteMany(ref, [ids[3], ids[5]], [held.claimId], T0); // 5 is refused
        expect(await total(ref)).toBe(8);

        expect(await driver.messages.pop(ref, 2, T0)).toHaveLength(2); // ids 5 and 6
        expect(await total(ref)).toBe(6);
        expect(await driver.queues.stats(ref, T0 + SECOND)).toMatchObject({ total: 6, claimed: 1, free: 5 });

        // id 4: claimed once; the next claim after its claim expired moves it.
        const deadLetter = { maxClaimCount: 1, queue: 'dlq' };
        await driver.claims.create(ref, { ttl: 60, grace: 60, limit: 1, deadLetter }, T0 + 60 * SECOND);
        expect(await total(ref, T0 + 60 * SECOND)).toBe(3); // 7, 8 and 9 left; the short ones expired
        expect(await total(dlq, T0 + 60 * SECOND)).toBe(1);

        await driver.messages.purge(ref);
        expect(await total(ref)).toBe(0);
        await post(ref, ['again']);
        expect(await total(ref)).toBe(1);
      });

      it('stats of a missing or empty queue are all zeros without oldest or newest', async () => {
        const zero = { claimed: 0, free: 0, total: 0 };
        const missing = await driver.queues.stats(newQueue(), T0);
        expect(missing).toMatchObject(zero);
        expect(missing.oldest).toBeUndefined();
        expect(missing.newest).toBeUndefined();

        const ref = newQueue();
        await post(ref, ['a'], { ttl: 60 });
        const expired = await driver.queues.stats(ref, T0 + 60 * SECOND);
        expect(expired).toMatchObject(zero);
        expect(expired.oldest).toBeUndefined();
        expect(expired.newest).toBeUndefined();
      });
    });

    describe('isolation', () => {
      it('queues, messages and claims of one project are invisible and untouchable from another', async () => {
        const mine = newQueue('shared-name');
        const theirs: QueueRef = { project: newProject(), queue: 'shared-name' };
        await driver.queues.create(mine, { owner: 'mine' }, T0);
        const ids = await post(mine, ['a', 'b', 'c']);
        const held = await claim(mine, T0, 1);

        expect(await driver.queues.getMetadata(theirs)).toBeNull();
        expect(await driver.queues.setMetadata(theirs, { hijack: true })).toBe(false);
        expect(await driver.queues.list(theirs.project, { limit: 10, detailed: false })).toEqual([]);
        expect(await driver.queues.count(theirs.project)).toBe(0);
        expect((await driver.queues.stats(theirs, T0)).total).toBe(0);
        expect(await everything(theirs, T0)).toEqual([]);
        expect(await driver.messages.getMany(theirs, ids, T0)).toEqual([]);
        expect(await driver.messages.delete(theirs, ids[1], undefined, T0)).toBe('missing');
        await driver.messages.deleteMany(theirs, ids, undefined, T0);
        expect((await claim(theirs, T0)).messages).toEqual([]);
        expect(await driver.messages.pop(theirs, 10, T0)).toEqual([]);
        expect(await driver.claims.renew(theirs, held.claimId, 60, 60, T0)).toBe(false);
        await driver.claims.release(theirs, held.claimId, T0);
        await driver.messages.purge(theirs);
        await driver.queues.delete(theirs);

        expect(await driver.queues.getMetadata(mine)).toEqual({ owner: 'mine' });
        expect(idsOf(await everything(mine, T0))).toEqual(ids);
        expect(await driver.claims.get(mine, held.claimId, T0)).not.toBeNull();
        expect((await driver.queues.stats(mine, T0)).claimed).toBe(1);
      });

      it('queues of the same project keep separate messages, order and claims', async () => {
        const project = newProject();
        const a: QueueRef = { project, queue: 'a' };
        const b: QueueRef = { project, queue: 'b' };
        await post(a, ['a1']);
        await post(b, ['b1']);
        await post(a, ['a2']);
        expect(bodiesOf(await everything(a, T0))).toEqual(['a1', 'a2']);
        expect(bodiesOf(await everything(b, T0))).toEqual(['b1']);
        expect(bodiesOf((await claim(b, T0)).messages)).toEqual(['b1']);
        expect(bodiesOf((await list(a, T0)).messages)).toEqual(['a1', 'a2']);
      });
    });

    describe('subscriptions', () => {
      const HOOK = 'http://127.0.0.1:9/hook';
      const subscribe = (ref: QueueRef, subscriber = HOOK, now = T0, ttl = 600, options = {}) =>
        driver.subscriptions.create(ref, { subscriber, ttl, options, secret: 'k' }, now);
      const ids = (found: { id: string }[]) => found.map((s) => s.id);

      it('create stores every field, creates the queue, and the same subscriber again gets the same one', async () => {
        const ref = newQueue();
        const first = await subscribe(ref, HOOK, T0, 600, { a: 1 });
        expect(first).toEqual({
          created: true,
          subscription: {
            id: expect.any(String),
            queue: ref.queue,
            subscriber: HOOK,
            ttl: 600,
            created: T0,
            expires: T0 + 600 * SECOND,
            options: { a: 1 },
            confirmed: false,
          },
        });
        expect(await driver.queues.getMetadata(ref)).toEqual({});
        expect(await driver.subscriptions.get(ref, first.subscription.id, T0)).toEqual(first.subscription);
        const again = await subscribe(ref, HOOK, T0 + SECOND, 9999);
        expect(again).toEqual({ created: false, subscription: first.subscription });
      });

      it('the same subscriber on another queue or in another project is another subscription', async () => {
        const ref = newQueue();
        const a = await subscribe(ref);
        const b = await subscribe({ ...ref, queue: 'other' });
        const c = await subscribe({ ...ref, project: newProject() });
        expect(new Set([a, b, c].map((r) => r.subscription.id)).size).toBe(3);
        expect([a, b, c].every((r) => r.created)).toBe(true);
      });

      it('two creates of one subscriber at once make one subscription', async () => {
        const ref = newQueue();
        const results = await Promise.all(Array.from({ length: 8 }, () => subscribe(ref)));
        expect(results.filter((r) => r.created)).toHaveLength(1);
        expect(new Set(results.map((r) => r.subscription.id)).size).toBe(1);
      });

      it('list pages in id order with marker and limit, only live subscriptions of the queue', async () => {
        const ref = newQueue();
        const made: string[] = [];
        for (let i = 0; i < 4; i++) made.push((await subscribe(ref, `${HOOK}/${i}`, T0 + i)).subscription.id);
        made.sort();
        await subscribe({ ...ref, queue: 'elsewhere' });
        await subscribe(ref, `${HOOK}/short`, T0, 60); // gone by T0 + 60 s
        const first = await driver.subscriptions.list(ref, { limit: 2 }, T0 + 61 * SECOND);
        expect(ids(first)).toEqual(made.slice(0, 2));
        const rest = await driver.subscriptions.list(ref, { marker: made[1], limit: 10 }, T0 + 61 * SECOND);
        expect(ids(rest)).toEqual(made.slice(2));
      });

      it('get finds nothing for an unknown, malformed, expired or other project id', async () => {
        const ref = newQueue();
        const { subscription } = await subscribe(ref, HOOK, T0, 60);
        expect(await driver.subscriptions.get(ref, '00000000-0000-4000-8000-000000000000', T0)).toBeNull();
        expect(await driver.subscriptions.get(ref, 'not-a-uuid', T0)).toBeNull();
        expect(await driver.subscriptions.get({ ...ref, project: newProject() }, subscription.id, T0)).toBeNull();
        expect(await driver.subscriptions.get(ref, subscription.id, T0 + 60 * SECOND)).toBeNull();
      });

      it('an expired subscription leaves its subscriber free for a new one', async () => {
        const ref = newQueue();
        const old = await subscribe(ref, HOOK, T0, 60);
        const renewed = await subscribe(ref, HOOK, T0 + 61 * SECOND);
        expect(renewed.created).toBe(true);
        expect(renewed.subscription.id).not.toBe(old.subscription.id);
      });

      it('update sets the fields it names; a ttl restarts the expiry from now', async () => {
        const ref = newQueue();
        const { subscription } = await subscribe(ref, HOOK, T0, 600, { a: 1 });
        const later = T0 + 100 * SECOND;
        expect(await driver.subscriptions.update(ref, subscription.id, { ttl: 120 }, later)).toBe('updated');
        expect(await driver.subscriptions.get(ref, subscription.id, later)).toMatchObject({
          ttl: 120,
          expires: later + 120 * SECOND,
          options: { a: 1 },
          subscriber: HOOK,
        });
        await driver.subscriptions.update(ref, subscription.id, { options: { b: 2 }, subscriber: `${HOOK}/2` }, later);
        expect(await driver.subscriptions.get(ref, subscription.id, later)).toMatchObject({
          ttl: 120,
          options: { b: 2 },
          subscriber: `${HOOK}/2`,
        });
      });

      it('update to a subscriber the queue has is a conflict; of a missing subscription, missing', async () => {
        const ref = newQueue();
        await subscribe(ref, HOOK);
        const { subscription } = await subscribe(ref, `${HOOK}/2`);
        expect(await driver.subscriptions.update(ref, subscription.id, { subscriber: HOOK }, T0)).toBe('conflict');
        expect(await driver.subscriptions.update(ref, 'not-a-uuid', { ttl: 100 }, T0)).toBe('missing');
        expect(await driver.subscriptions.update(ref, '00000000-0000-4000-8000-000000000000', { ttl: 100 }, T0)).toBe(
          'missing',
        );
      });

      it('confirm sets and clears confirmed, and reports a missing subscription', async () => {
        const ref = newQueue();
        const { subscription } = await subscribe(ref);
        expect(await driver.subscriptions.confirm(ref, subscription.id, true, T0)).toBe(true);
        expect((await driver.subscriptions.get(ref, subscription.id, T0))!.confirmed).toBe(true);
        expect(await driver.subscriptions.confirm(ref, subscription.id, false, T0)).toBe(true);
        expect((await driver.subscriptions.get(ref, subscription.id, T0))!.confirmed).toBe(false);
        expect(await driver.subscriptions.confirm(ref, 'nope', true, T0)).toBe(false);
      });

      it('delete removes one, purge all of one queue, and deleting the queue its subscriptions', async () => {
        const ref = newQueue();
        const other = { ...ref, queue: 'other' };
        const one = await subscribe(ref, `${HOOK}/1`);
        await subscribe(ref, `${HOOK}/2`);
        const kept = await subscribe(other);
        await driver.subscriptions.delete(ref, one.subscription.id);
        await driver.subscriptions.delete(ref, 'not-a-uuid');
        expect(await driver.subscriptions.list(ref, { limit: 10 }, T0)).toHaveLength(1);
        await driver.subscriptions.purge(ref);
        expect(await driver.subscriptions.list(ref, { limit: 10 }, T0)).toEqual([]);
        expect(ids(await driver.subscriptions.list(other, { limit: 10 }, T0))).toEqual([kept.subscription.id]);
        await driver.queues.delete(other);
        expect(await driver.subscriptions.list(other, { limit: 10 }, T0)).toEqual([]);
      });
    });

    describe('deliveries', () => {
      const subscribe = (ref: QueueRef, subscriber: string, now = T0) =>
        driver.subscriptions.create(ref, { subscriber, ttl: 3600, options: { o: subscriber }, secret: 's' }, now);
      /** Leases everything due and keeps this test's own deliveries (other tests' may be due too). */
      const leaseOwn = async (ref: QueueRef, now: number, leaseMs = 60 * SECOND) =>
        (await driver.deliveries.lease(10_000, now, leaseMs)).filter((d) => d.ref.project === ref.project);
      const notifyPost = (ref: QueueRef, bodies: unknown[], notify: 'subscribed' | 'confirmed' = 'subscribed') =>
        driver.messages.post(
          ref,
          PRODUCER,
          bodies.map((body) => ({ body, ttl: 300, delay: 0 })),
          T0,
          notify,
        );

      it('a notifying post writes a delivery per message and live subscription, in message order', async () => {
        const ref = newQueue();
        await driver.queues.setMetadata(ref, {});
        const a = await subscribe(ref, 'http://a');
        const b = await subscribe(ref, 'http://b');
        await subscribe({ ...ref, queue: 'other' }, 'http://c');
        await notifyPost(ref, ['m1', 'm2']);
        const leased = await leaseOwn(ref, T0);
        const bySubscription = (id: string) => leased.filter((d) => d.subscriptionId === id).map((d) => d.message.body);
        expect(bySubscription(a.subscription.id)).toEqual(['m1', 'm2']);
        expect(bySubscription(b.subscription.id)).toEqual(['m1', 'm2']);
        expect(leased).toHaveLength(4);
        expect(leased[0]).toMatchObject({
          ref,
          kind: 'notification',
          message: { ttl: 300, body: 'm1' },
          attempts: 0,
          posted: T0,
          options: { o: expect.any(String) },
          secret: 's',
          queueMetadata: {},
        });
      });

      it('a post without notify, or to a queue nobody subscribes to, writes none', async () => {
        const ref = newQueue();
        await subscribe(ref, 'http://a');
        await post(ref, ['quiet']);
        await notifyPost({ ...ref, queue: 'lonely' }, ['alone']);
        expect(await leaseOwn(ref, T0)).toEqual([]);
      });

      it("'confirmed' notifies only confirmed subscriptions", async () => {
        const ref = newQueue();
        const yes = await subscribe(ref, 'http://yes');
        await subscribe(ref, 'http://no');
        await driver.subscriptions.confirm(ref, yes.subscription.id, true, T0);
        await notifyPost(ref, ['m'], 'confirmed');
        expect((await leaseOwn(ref, T0)).map((d) => d.subscriber)).toEqual(['http://yes']);
      });

      it('a leased delivery is not leased again until its lease ends; retry makes it due later', async () => {
        const ref = newQueue();
        await subscribe(ref, 'http://a');
        await notifyPost(ref, ['m']);
        const [first] = await leaseOwn(ref, T0, 10 * SECOND);
        expect(await leaseOwn(ref, T0 + SECOND)).toEqual([]);
        expect((await leaseOwn(ref, T0 + 11 * SECOND, 10 * SECOND)).map((d) => d.id)).toEqual([first.id]);
        await driver.deliveries.retry(first.id, 1, T0 + 60 * SECOND, 'HTTP 500');
        expect(await leaseOwn(ref, T0 + 59 * SECOND)).toEqual([]);
        expect(await leaseOwn(ref, T0 + 60 * SECOND)).toEqual([expect.objectContaining({ id: first.id, attempts: 1 })]);
      });

      it('complete removes; fail moves to the failed list, which pages and redrives', async () => {
        const ref = newQueue();
        const { subscription } = await subscribe(ref, 'http://a');
        await notifyPost(ref, ['done', 'lost1', 'lost2']);
        const [done, lost1, lost2] = await leaseOwn(ref, T0);
        await driver.deliveries.complete([done.id]);
        await driver.deliveries.fail({ ...lost1, attempts: 4 }, 'HTTP 404', T0 + SECOND);
        await driver.deliveries.fail(lost2, 'refused', T0 + SECOND);
        expect(await leaseOwn(ref, T0 + 120 * SECOND)).toEqual([]);
        const failed = await driver.deliveries.listFailed(ref, subscription.id, { limit: 1 });
        expect(failed).toEqual([
          expect.objectContaining({ id: lost1.id, attempts: 4, error: 'HTTP 404', failed: T0 + SECOND }),
        ]);
        const rest = await driver.deliveries.listFailed(ref, subscription.id, { marker: failed[0].id, limit: 10 });
        expect(rest.map((d) => d.message.body)).toEqual(['lost2']);
        expect(await driver.deliveries.failedCount()).toBeGreaterThanOrEqual(2);
        expect(await driver.deliveries.redrive(ref, subscription.id, T0 + 200 * SECOND)).toBe(2);
        expect(await driver.deliveries.listFailed(ref, subscription.id, { limit: 10 })).toEqual([]);
        const again = await leaseOwn(ref, T0 + 200 * SECOND);
        expect(again.map((d) => [d.message.body, d.attempts])).toEqual([
          ['lost1', 0],
          ['lost2', 0],
        ]);
      });

      it("the sweep removes an ended subscription's failed list and keeps a live one's", async () => {
        const ref = newQueue();
        const ended = (await subscribe(ref, 'http://ended')).subscription;
        const live = (await subscribe(ref, 'http://live')).subscription;
        await notifyPost(ref, ['m']);
        for (const delivery of await leaseOwn(ref, T0)) await driver.deliveries.fail(delivery, 'HTTP 404', T0);
        await driver.subscriptions.delete(ref, ended.id);
        await driver.sweep(T0 + SECOND);
        expect(await driver.deliveries.listFailed(ref, ended.id, { limit: 10 })).toEqual([]);
        expect(await driver.deliveries.listFailed(ref, live.id, { limit: 10 })).toHaveLength(1);
      });

      it('a confirmation is leased with its kind and request, and keeps both through fail and redrive', async () => {
        const ref = newQueue();
        const { subscription } = await subscribe(ref, 'http://a');
        const body = { Message_Type: 'SubscriptionConfirmation', SubscribeBody: { confirmed: true } };
        await driver.deliveries.enqueueConfirmation({ ref, subscriptionId: subscription.id, body }, T0);
        await notifyPost(ref, ['m'], 'confirmed');
        expect(await leaseOwn(ref, T0 - 1)).toEqual([]);
        const [confirmation] = await leaseOwn(ref, T0);
        expect(confirmation).toMatchObject({
          ref,
          subscriptionId: subscription.id,
          kind: 'confirmation',
          message: { ttl: 0, body },
          attempts: 0,
          posted: T0,
          subscriber: 'http://a',
        });
        await driver.deliveries.fail(confirmation, 'HTTP 404', T0 + SECOND);
        expect(await driver.deliveries.listFailed(ref, subscription.id, { limit: 10 })).toEqual([
          expect.objectContaining({ kind: 'confirmation', message: { ttl: 0, body } }),
        ]);
        await driver.deliveries.redrive(ref, subscription.id, T0 + 2 * SECOND);
        expect(await leaseOwn(ref, T0 + 2 * SECOND)).toEqual([
          expect.objectContaining({ kind: 'confirmation', message: { ttl: 0, body } }),
        ]);
      });

      it('deliveries of an ended subscription are dropped, not leased', async () => {
        const ref = newQueue();
        const { subscription } = await subscribe(ref, 'http://a');
        await notifyPost(ref, ['m']);
        await driver.subscriptions.delete(ref, subscription.id);
        expect(await leaseOwn(ref, T0)).toEqual([]);
        await driver.subscriptions.create(ref, { subscriber: 'http://a', ttl: 60, options: {}, secret: 's' }, T0);
        expect(await leaseOwn(ref, T0)).toEqual([]);
      });
    });

    describe('driver', () => {
      it('sweep removes expired messages, claims and subscriptions for good', async () => {
        // Further in the past than the rest of the suite, so this sweep cannot touch other tests' data.
        const base = T0 - 10 * DAY;
        const ref = newQueue();
        const [doomed] = await post(ref, ['doomed'], { ttl: 60, now: base });
        const [survivor] = await post(ref, ['survivor'], { ttl: 100 * 86_400, now: base });
        const held = await claim(ref, base, 10, 60, 60); // the claim ends at base + 60 s
        const { subscription } = await driver.subscriptions.create(
          ref,
          { subscriber: 'http://127.0.0.1:9/', ttl: 60, options: {}, secret: 'k' },
          base,
        );

        const result = await driver.sweep(base + 3 * 60 * SECOND);
        expect(result.messages).toBeGreaterThanOrEqual(1);
        expect(result.claims).toBeGreaterThanOrEqual(1);
        expect(result.subscriptions).toBeGreaterThanOrEqual(1);
        expect(await driver.subscriptions.get(ref, subscription.id, base)).toBeNull();

        // Looking back to before the expiry shows the rows are gone, not merely hidden.
        expect(await driver.messages.get(ref, doomed, base)).toBeNull();
        expect(await driver.claims.get(ref, held.claimId, base)).toBeNull();
        expect(await driver.messages.get(ref, survivor, base)).not.toBeNull();
        expect(idsOf(await everything(ref, base + 3 * 60 * SECOND))).toEqual([survivor]);
        expect((await driver.queues.stats(ref, base)).total).toBe(1);
      });

      it('ping answers true', async () => {
        expect(await driver.ping()).toBe(true);
      });
    });
  });
}
