import * as fs from 'node:fs';
import { BACKENDS, TestBackend } from '../support/backends';
import { Exchange, ExchangeLog, latencyPercentile, serverErrors, statusCounts } from '../support/exchange-log';
import { startServer, StartedServer } from '../support/server';
import { messagesIn } from '../support/store-sql';
import { sleep } from '../support/wait';
import { lastSegment, ZaqarClient } from './client';

const MESSAGES = 1500;
const WORKERS = 8;
/** Zaqar's shortest claim ttl and grace: a claim nobody heard of holds its messages this long. */
const CLAIM = { ttl: 60, grace: 60 };
const CLAIM_LIMIT = 10;
/** The kill comes once this share of the messages is deleted. */
const KILL_AFTER = 1 / 4;
/** Claims asked of the victim at once right before it is killed. */
const BURST = 30;
const QUEUE = 'work';

/** One claim a worker got an answer for, and when it surely was valid: answered at, asked at + ttl. */
interface HeldClaim {
  claimId: string;
  ids: string[];
  validFrom: number;
  validTo: number;
}

/** A 204 for DELETE of a message with a claim id. */
interface Deletion {
  id: string;
  claimId: string;
}

/** What a kill test leaves for its after-expiry test: the store, the survivor, and the record. */
interface Aftermath {
  backend: TestBackend;
  survivor: StartedServer;
  client: ZaqarClient;
  posted: string[];
  work: ClaimWork;
  killedAt: number;
  /** The earliest time a claim asked of the dead server and never answered was sent. */
  firstUnansweredClaim: number;
}

const started: StartedServer[] = [];
const backends: TestBackend[] = [];
const aftermaths = new Map<string, Aftermath>();

afterAll(async () => {
  await Promise.all(started.map((server) => server.kill()));
  await Promise.all(backends.map((backend) => backend.drop()));
});

const claimIdOf = (href: string) => new URL(href, 'http://x').searchParams.get('claim_id')!;

/** Where a worker sends its requests: `url` until it stops answering, then `fallback`. */
interface Route {
  url: string;
  fallback: string;
}

/**
 * Workers claiming and deleting, and their record: every exchange, every claim answered and every
 * 204 of a delete.
 */
class ClaimWork {
  readonly log = new ExchangeLog();
  readonly claims: HeldClaim[] = [];
  readonly deletions: Deletion[] = [];

  constructor(private readonly api: ZaqarClient) {}

  /**
   * WORKERS workers, spread over `urls`, claim and delete until the queue looks empty three times
   * running, going on at `fallback` when their server stops answering.
   */
  async run(urls: string[], fallback: string): Promise<void> {
    const worker = async (route: Route) => {
      for (let empty = 0; empty < 3;) {
        const claim = await this.claimAndDelete(route);
        if (claim !== 'no answer') empty = claim === 'empty' ? empty + 1 : 0;
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker({ url: urls[w % urls.length], fallback })));
  }

  /**
   * One claim, then a delete of each message it holds. A delete that got no answer is made again at
   * the fallback with the same claim id, since the dead server may or may not have done it; a
   * claim that got none is not, as its messages (if it was made) are free again once it expires.
   * `answered` hears of the claim's answer before the deletes begin.
   */
  async claimAndDelete(
    route: Route,
    answered: () => void = () => undefined,
  ): Promise<'empty' | 'claimed' | 'no answer'> {
    const validTo = Date.now() + CLAIM.ttl * 1000;
    const claim = await this.ask(route, 'claim', 'POST', `/v2/queues/${QUEUE}/claims?limit=${CLAIM_LIMIT}`, CLAIM);
    answered();
    if (claim?.status !== 201) return claim?.status === 204 ? 'empty' : 'no answer';
    const ids: string[] = claim.body.messages.map((m: { href: string }) => lastSegment(m.href));
    const claimId = claimIdOf(claim.body.messages[0].href);
    this.claims.push({ claimId, ids, validFrom: Date.now(), validTo });
    for (const id of ids) {
      const path = `/v2/queues/${QUEUE}/messages/${id}?claim_id=${claimId}`;
      const asked = route.url;
      let deleted = await this.ask(route, 'delete', 'DELETE', path);
      if (!deleted && route.url !== asked) deleted = await this.ask(route, 'delete', 'DELETE', path);
      if (deleted?.status === 204) this.deletions.push({ id, claimId });
    }
    return 'claimed';
  }

  /** The response, or undefined when the server gave none (the route then turns to its fallback). */
  private async ask(route: Route, kind: string, method: string, path: string, json?: unknown) {
    const asked = route.url;
    const client = this.api.on(asked);
    const { exchange, response } = await this.log.time(kind, asked, () => client.request(method, path, { json }));
    if (exchange.status === 'no answer') route.url = route.fallback;
    return response;
  }
}

/** Pairs of claims of one message, by different claim ids, whose sure validity overlaps. */
function doublyClaimed(claims: HeldClaim[]): Array<[string, HeldClaim, HeldClaim]> {
  const byMessage = new Map<string, HeldClaim[]>();
  for (const claim of claims) for (const id of claim.ids) byMessage.set(id, [...(byMessage.get(id) ?? []), claim]);
  const overlaps: Array<[string, HeldClaim, HeldClaim]> = [];
  for (const [id, held] of byMessage)
    for (let i = 0; i < held.length; i++)
      for (let j = i + 1; j < held.length; j++) {
        const [a, b] = [held[i], held[j]];
        if (a.claimId !== b.claimId && a.validFrom < b.validTo && b.validFrom < a.validTo) overlaps.push([id, a, b]);
      }
  return overlaps;
}

/** Every message of the queue, claimed or not: its id and the claim holding it (null when free). */
async function everyMessage(client: ZaqarClient): Promise<Array<{ id: string; claimId: string | null }>> {
  const found: Array<{ id: string; claimId: string | null }> = [];
  let path = `/v2/queues/${QUEUE}/messages?include_claimed=true&echo=true&limit=20`;
  for (;;) {
    const res = await client.get(path);
    expect(res.status).toBe(200);
    if (!res.body.messages.length) return found;
    for (const m of res.body.messages) found.push({ id: m.id, claimId: claimIdOf(m.href) });
    path = res.body.links[0].href;
  }
}

/** Messages posted but neither deleted (204 seen) nor in the queue. */
function lost(posted: string[], deletions: Deletion[], remaining: string[]): string[] {
  const accounted = new Set([...deletions.map((d) => d.id), ...remaining]);
  return posted.filter((id) => !accounted.has(id));
}

/** Messages with 204s under more than one claim id, or under a claim that never held them. */
function deletedByOtherThanHolder(claims: HeldClaim[], deletions: Deletion[]): Deletion[] {
  const holder = new Map<string, Set<string>>();
  for (const claim of claims)
    for (const id of claim.ids) holder.set(id, new Set([...(holder.get(id) ?? []), claim.claimId]));
  const firstDeleter = new Map<string, string>();
  return deletions.filter((d) => {
    const first = firstDeleter.get(d.id) ?? d.claimId;
    firstDeleter.set(d.id, first);
    return first !== d.claimId || !holder.get(d.id)?.has(d.claimId);
  });
}

const p95 = (exchanges: Exchange[]) => latencyPercentile(exchanges, 95);

describe.each(BACKENDS)(
  'kill -9 of one of two server processes during claims and deletes [%s]',
  (name, makeBackend) => {
    it('no message is in two valid claims, none is lost, and the survivor serves on', async () => {
      const backend = await makeBackend();
      backends.push(backend);
      for (let i = 0; i < 2; i++) started.push(await startServer({ storageUrl: backend.url, env: backend.env ?? {} }));
      const [survivor, victim] = started.slice(-2);
      const api = new ZaqarClient(survivor.url);
      const posted: string[] = [];
      for (let batch = 0; batch < MESSAGES / 10; batch += 10) {
        const posts = Array.from({ length: 10 }, (_, i) =>
          api.on([survivor, victim][i % 2].url).postMessages(
            QUEUE,
            Array.from({ length: 10 }, (_, j) => ({ body: { n: (batch + i) * 10 + j }, ttl: 600 })),
          ),
        );
        posted.push(...(await Promise.all(posts)).flat());
      }

      const work = new ClaimWork(api);
      const { log, claims, deletions } = work;
      let done = false;
      const working = work.run([survivor.url, victim.url], survivor.url).finally(() => (done = true));
      while (!done && deletions.length < MESSAGES * KILL_AFTER) await sleep(5);
      // The kill comes as the victim answers the first of a burst of claims, so that some of the
      // others are likely made and never answered.
      let firstAnswer: () => void = () => undefined;
      const answering = new Promise<void>((resolve) => (firstAnswer = resolve));
      const burst = Array.from({ length: BURST }, () =>
        work.claimAndDelete({ url: victim.url, fallback: survivor.url }, firstAnswer),
      );
      await answering;
      const killing = Date.now();
      await victim.kill('SIGKILL');
      const killedAt = Date.now();
      const wal = backend.url.startsWith('sqlite:') ? fs.statSync(`${backend.url.slice(7)}-wal`).size : undefined;
      await Promise.all([working, ...burst]);

      const remaining = await everyMessage(api);
      const remainingIds = remaining.map((m) => m.id);
      const heldClaims = new Set(claims.map((c) => c.claimId));
      const unanswered = remaining.filter((m) => m.claimId !== null && !heldClaims.has(m.claimId));
      const unansweredClaimsAsked = log.exchanges.filter(
        (e) => e.kind === 'claim' && e.server === victim.url && e.status === 'no answer' && e.started < killedAt,
      );
      const firstUnansweredClaim = Math.min(...unansweredClaimsAsked.map((e) => e.started));
      aftermaths.set(name, {
        backend,
        survivor,
        client: api,
        posted,
        work,
        killedAt,
        firstUnansweredClaim,
      });

      const toSurvivor = (from: number, to: number) => log.between(from, to, (e) => e.server === survivor.url);
      const before = toSurvivor(0, killing);
      const during = toSurvivor(killing, killedAt + 500);
      const after = toSurvivor(killedAt + 500, Infinity);
      const toVictim = log.exchanges.filter((e) => e.server === victim.url);
      console.log(
        `kill -9 during claims [${name}]: ${log.exchanges.length} requests, ${claims.length} claims, ` +
          `${deletions.length} deletes; to the killed server: ${statusCounts(toVictim)}; ` +
          `to the survivor: ${statusCounts(log.exchanges.filter((e) => e.server === survivor.url))}; ` +
          `5xx ${serverErrors(log.exchanges).length}; survivor p95 before/during/after ` +
          `${p95(before)}/${p95(during)}/${p95(after)} ms, max after the kill ` +
          `${Math.max(...[...during, ...after].map((e) => e.ms))} ms; ${remaining.length} messages left, ` +
          `${unanswered.length} of them under ${new Set(unanswered.map((m) => m.claimId)).size} claims the killed ` +
          `server made but never answered${wal === undefined ? '' : `; the WAL at the kill: ${wal} bytes`}`,
      );

      expect(serverErrors(log.exchanges)).toEqual([]);
      // The survivor answered every request; the killed server answered or dropped the connection.
      const expected: Record<string, Array<Exchange['status']>> = { claim: [201, 204], delete: [204] };
      expect(log.exchanges.filter((e) => e.server === survivor.url && !expected[e.kind].includes(e.status))).toEqual(
        [],
      );
      expect(toVictim.filter((e) => e.status !== 'no answer' && !expected[e.kind].includes(e.status))).toEqual([]);
      expect(toVictim.filter((e) => e.status === 'no answer' && e.started + e.ms < killing)).toEqual([]);
      expect(after.length).toBeGreaterThan(200);
      expect(p95(after)).toBeLessThan(10 * p95(before) + 200);
      expect(Math.max(...[...during, ...after].map((e) => e.ms))).toBeLessThan(5000);

      expect(doublyClaimed(claims)).toEqual([]);
      expect(deletedByOtherThanHolder(claims, deletions)).toEqual([]);
      expect(lost(posted, deletions, remainingIds)).toEqual([]);
      // Whatever is left is held by a claim the killed server made as it died; nothing else is stuck.
      expect(remaining.filter((m) => m.claimId === null || heldClaims.has(m.claimId))).toEqual([]);
      if (unanswered.length) expect(unansweredClaimsAsked.length).toBeGreaterThan(0);
    });
  },
);

describe.each(BACKENDS)('after the kill [%s]', (name) => {
  it("the messages of the killed server's unanswered claims come free when those claims expire; none is lost", async () => {
    const aftermath = aftermaths.get(name);
    if (!aftermath) throw new Error(`the kill test on ${name} did not get as far as the kill`);
    const { backend, survivor, client, posted, work, killedAt, firstUnansweredClaim } = aftermath;
    const { log, claims, deletions } = work;
    const deletedBefore = deletions.length;
    const unansweredBefore = (await everyMessage(client)).map((m) => m.id);
    // A worker claims on the survivor from now on: it must get none of those messages before their
    // claims expire, and all of them soon after (they were made by the time the kill ended).
    const route = { url: survivor.url, fallback: survivor.url };
    const deadline = killedAt + CLAIM.ttl * 1000 + 10_000;
    let freedAt: number | undefined;
    while ((await everyMessage(client)).length > 0 && Date.now() < deadline) {
      if ((await work.claimAndDelete(route)) === 'claimed') freedAt ??= Date.now();
      else await sleep(250);
    }

    // The messages of the unanswered claims were surely held from the kill until a ttl after the
    // earliest of them was asked: no other claim may have held one within that time.
    const unknownClaims: HeldClaim[] = [
      {
        claimId: 'made by the killed server, unanswered',
        ids: unansweredBefore,
        validFrom: killedAt,
        validTo: firstUnansweredClaim + CLAIM.ttl * 1000,
      },
    ];
    const remaining = (await everyMessage(client)).map((m) => m.id);
    const stats = await client.get(`/v2/queues/${QUEUE}/stats`);
    // A new server process opens the store as the killed one left it (for SQLite: its WAL).
    const fresh = await startServer({ storageUrl: backend.url, env: backend.env ?? {} });
    started.push(fresh);
    const freshStats = await client.on(fresh.url).get(`/v2/queues/${QUEUE}/stats`);
    console.log(
      `after the kill [${name}]: ${unansweredBefore.length} messages freed by expiry ` +
        `${freedAt === undefined ? '(none)' : `${freedAt - killedAt} ms after the kill`}, ` +
        `${deletions.length - deletedBefore} deleted then; ${posted.length} posted, ` +
        `${new Set(deletions.map((d) => d.id)).size} deleted, ${remaining.length} left, ` +
        `${lost(posted, deletions, remaining).length} lost`,
    );

    expect(serverErrors(log.exchanges)).toEqual([]);
    expect(doublyClaimed([...claims, ...unknownClaims])).toEqual([]);
    expect(deletedByOtherThanHolder(claims, deletions)).toEqual([]);
    expect(remaining).toEqual([]);
    expect(lost(posted, deletions, remaining)).toEqual([]);
    expect(stats.body.messages.total).toBe(0);
    expect(freshStats.body.messages.total).toBe(0);
    expect(await messagesIn(backend, client.project, QUEUE)).toBe(0);
  }, 120_000);
});
