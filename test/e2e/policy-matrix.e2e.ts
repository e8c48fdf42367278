import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sqliteBackend, TestBackend } from '../support/backends';
import { startServer, StartedServer } from '../support/server';
import {
  Caller,
  noauth,
  policyDenied,
  pollUntil,
  Reply,
  sleep,
  startServerAnyAuth,
  uniqueName,
  zaqarError,
} from './auth-support';

/**
 * Every REST action × role × (own project, another project's resource), decided by the default
 * policy, in noauth mode: the project comes from X-Project-ID and the roles from X-Roles.
 */

/** Roles as a Keystone token carries them: the implied lesser roles come along (admin ⊃ member ⊃ reader). */
const ROLES = {
  admin: ['admin', 'member', 'reader'],
  member: ['member', 'reader'],
  reader: ['reader'],
  none: [],
} as const;
type Role = keyof typeof ROLES;
type Scope = 'own' | 'other';

/** The two forms of rule the matrix uses: open, or one role required. */
type Rule = '' | `role:${string}`;

/**
 * Zaqar's own rules for the actions below (zaqar/common/policies/*.py, checked against the installed
 * zaqar package): every project-scoped action is open, the detailed health report is for admins.
 */
const ZAQAR_RULES: Record<string, Rule> = {
  'queues:get_all': '',
  'queues:create': '',
  'queues:get': '',
  'queues:delete': '',
  'queues:update': '',
  'queues:stats': '',
  'queues:share': '',
  'queues:purge': '',
  'messages:create': '',
  'messages:get_all': '',
  'messages:get': '',
  'messages:delete': '',
  'messages:delete_all': '',
  'claims:create': '',
  'claims:get': '',
  'claims:update': '',
  'claims:delete': '',
  'subscription:create': '',
  'subscription:get_all': '',
  'subscription:get': '',
  'subscription:update': '',
  'subscription:confirm': '',
  'subscription:delete': '',
  'subscription:failed_get_all': '',
  'subscription:failed_redrive': '',
  'ping:get': '',
  'health:get': 'role:admin',
};

function allows(rule: Rule, roles: readonly string[]): boolean {
  return rule === '' || roles.includes(rule.slice('role:'.length));
}

/**
 * What project A holds when a cell runs: a queue with metadata, three messages ({n: 0..2}) and a
 * claim on the oldest one. Each cell gets fresh projects, so no cell sees another's data.
 */
interface Fixture {
  a: string;
  b: string;
  queue: string;
  messageIds: string[];
  claimId: string;
  subscriptionId: string;
}

const A_STATS = { claimed: 1, free: 2, total: 3 };

interface ActionCase {
  action: string;
  /** False for ping and health, which touch no resource of a project. */
  scoped: boolean;
  run(caller: Caller, f: Fixture, scope: Scope): Promise<Reply>;
  /** The allowed outcome in the caller's own project A. */
  own(reply: Reply, f: Fixture): void;
  /** The allowed outcome for project B naming A's queue, message and claim: as if none existed. */
  other?(reply: Reply, f: Fixture): void;
}

const q = (f: Fixture) => `/v2/queues/${f.queue}`;
const SUBSCRIBER = 'http://127.0.0.1:9/hook';
const subscriptionNotFound = (f: Fixture) => zaqarError('Not found', `Subscription ${f.subscriptionId} does not exist`);
const notFoundIn = (f: Fixture) => ({ title: 'Not found', description: expect.stringMatching(` for project ${f.b}$`) });

const CASES: ActionCase[] = [
  {
    action: 'queues:get_all',
    scoped: true,
    run: (c) => c.get('/v2/queues'),
    own: (r, f) => expect([r.status, r.body.queues]).toEqual([200, [{ name: f.queue, href: q(f) }]]),
    other: (r) => expect([r.status, r.body.queues]).toEqual([200, []]),
  },
  {
    action: 'queues:create',
    scoped: true,
    // in its own project a new name; from B, A's very name: 201 says B saw no queue there (204 would)
    run: (c, f, scope) => c.put(scope === 'own' ? `${q(f)}-new` : q(f), { owner: 'B' }),
    own: (r, f) => expect([r.status, r.headers.get('location')]).toEqual([201, `${q(f)}-new`]),
    other: (r, f) => expect([r.status, r.headers.get('location')]).toEqual([201, q(f)]),
  },
  {
    action: 'queues:get',
    scoped: true,
    run: (c, f) => c.get(q(f)),
    own: (r) => expect([r.status, r.body.owner]).toEqual([200, 'A']),
    other: (r) => expect([r.status, r.body.owner, r.body._default_message_ttl]).toEqual([200, undefined, 3600]),
  },
  {
    action: 'queues:delete',
    scoped: true,
    run: (c, f) => c.delete(q(f)),
    own: (r) => expect(r.status).toBe(204),
    other: (r) => expect(r.status).toBe(204),
  },
  {
    action: 'queues:update',
    scoped: true,
    run: (c, f) => c.patchQueue(f.queue, [{ op: 'add', path: '/metadata/color', value: 'blue' }]),
    own: (r) => expect([r.status, r.body.owner, r.body.color]).toEqual([200, 'A', 'blue']),
    other: (r, f) =>
      expect([r.status, r.body]).toEqual([
        404,
        zaqarError('Not found', `Queue ${f.queue} does not exist for project ${f.b}`),
      ]),
  },
  {
    action: 'queues:stats',
    scoped: true,
    run: (c, f) => c.get(`${q(f)}/stats`),
    own: (r) => expect([r.status, r.body.messages]).toEqual([200, expect.objectContaining(A_STATS)]),
    other: (r) => expect([r.status, r.body]).toEqual([200, { messages: { claimed: 0, free: 0, total: 0 } }]),
  },
  {
    action: 'queues:share',
    scoped: true,
    run: (c, f) => c.post(`${q(f)}/share`, { paths: ['messages'], methods: ['GET'] }),
    // 200, not 201: Zaqar's share handler sets no status (falcon's default)
    own: (r, f) => expect([r.status, r.body.project, r.body.paths]).toEqual([200, f.a, [`${q(f)}/messages`]]),
    // B may sign its own queue of that name; the signature is for B and opens nothing of A's
    other: (r, f) => expect([r.status, r.body.project]).toEqual([200, f.b]),
  },
  {
    action: 'queues:purge',
    scoped: true,
    run: (c, f) => c.post(`${q(f)}/purge`, { resource_types: ['messages'] }),
    own: (r) => expect(r.status).toBe(204),
    other: (r) => expect(r.status).toBe(204),
  },
  {
    action: 'messages:create',
    scoped: true,
    run: (c, f) => c.post(`${q(f)}/messages`, { messages: [{ body: 'new', ttl: 300 }] }),
    own: (r) => expect([r.status, r.body.resources.length]).toEqual([201, 1]),
    other: (r) => expect([r.status, r.body.resources.length]).toEqual([201, 1]),
  },
  {
    action: 'messages:get_all',
    scoped: true,
    run: (c, f) => c.get(`${q(f)}/messages?include_claimed=true`),
    own: (r) =>
      expect([r.status, r.body.messages.map((m: any) => m.body)]).toEqual([200, [{ n: 0 }, { n: 1 }, { n: 2 }]]),
    other: (r) => expect([r.status, r.body.messages]).toEqual([200, []]),
  },
  {
    action: 'messages:get',
    scoped: true,
    run: (c, f) => c.get(`${q(f)}/messages/${f.messageIds[1]}`),
    own: (r, f) => expect([r.status, r.body.id, r.body.body]).toEqual([200, f.messageIds[1], { n: 1 }]),
    other: (r, f) => expect([r.status, r.body]).toEqual([404, notFoundIn(f)]),
  },
  {
    action: 'messages:delete',
    scoped: true,
    run: (c, f) => c.delete(`${q(f)}/messages/${f.messageIds[2]}`),
    own: (r) => expect(r.status).toBe(204),
    other: (r) => expect(r.status).toBe(204),
  },
  {
    action: 'messages:delete_all',
    scoped: true,
    run: (c, f) => c.delete(`${q(f)}/messages?ids=${f.messageIds.join(',')}`),
    own: (r) => expect(r.status).toBe(204),
    other: (r) => expect(r.status).toBe(204),
  },
  {
    action: 'claims:create',
    scoped: true,
    run: (c, f) => c.post(`${q(f)}/claims`, { ttl: 120, grace: 60 }),
    own: (r) => expect([r.status, r.body.messages.map((m: any) => m.body)]).toEqual([201, [{ n: 1 }, { n: 2 }]]),
    // Zaqar answers 204 when there is nothing to claim: B's queue of that name is empty
    other: (r) => expect(r.status).toBe(204),
  },
  {
    action: 'claims:get',
    scoped: true,
    run: (c, f) => c.get(`${q(f)}/claims/${f.claimId}`),
    own: (r, f) => expect([r.status, r.body.messages.map((m: any) => m.id)]).toEqual([200, [f.messageIds[0]]]),
    other: (r, f) =>
      expect([r.status, r.body]).toEqual([
        404,
        zaqarError('Not found', `Claim ${f.claimId} does not exist in queue ${f.queue} for project ${f.b}`),
      ]),
  },
  {
    action: 'claims:update',
    scoped: true,
    run: (c, f) => c.request('PATCH', `${q(f)}/claims/${f.claimId}`, { ttl: 120, grace: 60 }),
    own: (r) => expect(r.status).toBe(204),
    other: (r, f) =>
      expect([r.status, r.body]).toEqual([
        404,
        zaqarError('Not found', `Claim ${f.claimId} does not exist in queue ${f.queue} for project ${f.b}`),
      ]),
  },
  {
    action: 'claims:delete',
    scoped: true,
    run: (c, f) => c.delete(`${q(f)}/claims/${f.claimId}`),
    own: (r) => expect(r.status).toBe(204),
    other: (r) => expect(r.status).toBe(204),
  },
  {
    action: 'subscription:create',
    scoped: true,
    // from B, A's very subscriber on A's queue name: a new subscription of B's own
    run: (c, f) => c.post(`${q(f)}/subscriptions`, { subscriber: SUBSCRIBER, ttl: 600 }),
    own: (r, f) => expect([r.status, r.body.subscription_id]).toEqual([201, f.subscriptionId]),
    other: (r, f) => expect([r.status, r.body.subscription_id === f.subscriptionId]).toEqual([201, false]),
  },
  {
    action: 'subscription:get_all',
    scoped: true,
    run: (c, f) => c.get(`${q(f)}/subscriptions`),
    own: (r, f) => expect([r.status, r.body.subscriptions.map((s: any) => s.id)]).toEqual([200, [f.subscriptionId]]),
    other: (r) => expect([r.status, r.body.subscriptions]).toEqual([200, []]),
  },
  {
    action: 'subscription:get',
    scoped: true,
    run: (c, f) => c.get(`${q(f)}/subscriptions/${f.subscriptionId}`),
    own: (r) => expect([r.status, r.body.subscriber]).toEqual([200, SUBSCRIBER]),
    other: (r, f) => expect([r.status, r.body]).toEqual([404, subscriptionNotFound(f)]),
  },
  {
    action: 'subscription:update',
    scoped: true,
    run: (c, f) => c.request('PATCH', `${q(f)}/subscriptions/${f.subscriptionId}`, { ttl: 1200 }),
    own: (r) => expect(r.status).toBe(204),
    other: (r, f) => expect([r.status, r.body]).toEqual([404, subscriptionNotFound(f)]),
  },
  {
    action: 'subscription:confirm',
    scoped: true,
    run: (c, f) => c.put(`${q(f)}/subscriptions/${f.subscriptionId}/confirm`, { confirmed: true }),
    own: (r) => expect(r.status).toBe(204),
    other: (r, f) => expect([r.status, r.body]).toEqual([404, subscriptionNotFound(f)]),
  },
  {
    action: 'subscription:failed_get_all',
    scoped: true,
    run: (c, f) => c.get(`${q(f)}/subscriptions/${f.subscriptionId}/failed`),
    own: (r) => expect([r.status, r.body]).toEqual([200, { failed: [], links: [] }]),
    other: (r, f) => expect([r.status, r.body]).toEqual([404, subscriptionNotFound(f)]),
  },
  {
    action: 'subscription:failed_redrive',
    scoped: true,
    run: (c, f) => c.post(`${q(f)}/subscriptions/${f.subscriptionId}/failed`),
    own: (r) => expect([r.status, r.body]).toEqual([200, { redriven: 0 }]),
    other: (r, f) => expect([r.status, r.body]).toEqual([404, subscriptionNotFound(f)]),
  },
  {
    action: 'subscription:delete',
    scoped: true,
    run: (c, f) => c.delete(`${q(f)}/subscriptions/${f.subscriptionId}`),
    own: (r) => expect(r.status).toBe(204),
    other: (r) => expect(r.status).toBe(204),
  },
  {
    action: 'ping:get',
    scoped: false,
    run: (c) => c.get('/v2/ping'),
    own: (r) => expect([r.status, r.text]).toEqual([204, '']),
  },
  {
    action: 'health:get',
    scoped: false,
    run: (c) => c.get('/v2/health'),
    own: (r) =>
      expect([r.status, r.body.storage_reachable, Object.keys(r.body.operation_status)]).toEqual([
        200,
        true,
        expect.arrayContaining(['create_queue', 'post_messages', 'claim_messages', 'delete_queue']),
      ]),
  },
];

/**
 * A policy that tells the actions apart: reads for readers, writes for members, destruction and
 * health for admins. Under it a route bound to the wrong action is caught by the role that is
 * refused (and by the action the 403 names), which the all-open default cannot show.
 */
const GRADED_RULES: Record<string, Rule> = {
  'queues:get_all': 'role:reader',
  'queues:create': 'role:member',
  'queues:get': 'role:reader',
  'queues:delete': 'role:admin',
  'queues:update': 'role:member',
  'queues:stats': 'role:reader',
  'queues:share': 'role:member',
  'queues:purge': 'role:admin',
  'messages:create': 'role:member',
  'messages:get_all': 'role:reader',
  'messages:get': 'role:reader',
  'messages:delete': 'role:admin',
  'messages:delete_all': 'role:admin',
  'claims:create': 'role:member',
  'claims:get': 'role:reader',
  'claims:update': 'role:member',
  'claims:delete': 'role:member',
  'subscription:create': 'role:member',
  'subscription:get_all': 'role:reader',
  'subscription:get': 'role:reader',
  'subscription:update': 'role:member',
  'subscription:confirm': 'role:member',
  'subscription:delete': 'role:admin',
  'subscription:failed_get_all': 'role:reader',
  'subscription:failed_redrive': 'role:member',
  'ping:get': 'role:reader',
  'health:get': 'role:admin',
};

interface Cell {
  name: string;
  role: Role;
  scope: Scope;
  testCase: ActionCase;
  allowed: boolean;
}

function cellsUnder(rules: Record<string, Rule>): Cell[] {
  return CASES.flatMap((testCase) =>
    (Object.keys(ROLES) as Role[]).flatMap((role) =>
      (testCase.scoped ? (['own', 'other'] as Scope[]) : (['own'] as Scope[])).map((scope) => {
        const allowed = allows(rules[testCase.action], ROLES[role]);
        const outcome = allowed ? 'allowed' : '403';
        const where = scope === 'own' ? 'in its own project' : "on another project's resources";
        return { name: `${role} · ${testCase.action} ${where} → ${outcome}`, role, scope, testCase, allowed };
      }),
    ),
  );
}

const REPO_POLICY = path.resolve(__dirname, '../../policy.json');
const readRepoPolicy = () => JSON.parse(fs.readFileSync(REPO_POLICY, 'utf8')) as Record<string, string>;

/** Totals over both policies, printed once at the end. */
const totals = { cells: 0, passed: 0, denied: 0 };

afterAll(() => {
  console.log(
    `policy matrix: ${totals.cells} cells (${CASES.length} actions × ${Object.keys(ROLES).length} roles × ` +
      `own/other project, ping and health own only, under 2 policies): ${totals.passed} passed, ` +
      `${totals.cells - totals.passed} failed; ${totals.denied} denied by policy`,
  );
});

describe.each([
  ["the repository's default policy.json", ZAQAR_RULES, undefined],
  ['a graded policy file (reader reads, member writes, admin destroys)', GRADED_RULES, GRADED_RULES],
] as const)('%s, action by action and role by role (noauth)', (_title, rules, fileRules) => {
  const cells = cellsUnder(rules);
  let backend: TestBackend;
  let server: StartedServer;
  let dir: string | undefined;
  const passed = new Set<string>();

  beforeAll(async () => {
    const env: Record<string, string> = { SIGNED_URL_SECRET_KEY: 'matrix-secret' };
    if (fileRules) {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zaqar-policy-'));
      env.POLICY_FILE = path.join(dir, 'policy.json');
      fs.writeFileSync(env.POLICY_FILE, JSON.stringify({ ...readRepoPolicy(), ...fileRules }));
    }
    backend = await sqliteBackend();
    // not startServer: its readiness probe is a ping without roles, which the graded policy refuses
    server = await startServerAnyAuth(backend.url, env);
  });

  afterAll(async () => {
    totals.cells += cells.length;
    totals.passed += passed.size;
    totals.denied += cells.filter((cell) => !cell.allowed).length;
    await server?.kill();
    await backend?.drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  if (!fileRules) {
    it("states Zaqar's default rule for every action in the matrix", () => {
      const file = readRepoPolicy();
      const stated = Object.fromEntries(Object.keys(ZAQAR_RULES).map((action) => [action, file[action]]));
      expect(stated).toEqual(ZAQAR_RULES);
    });
  }

  async function fixture(): Promise<Fixture> {
    const a = `pm-a-${randomUUID()}`;
    const b = `pm-b-${randomUUID()}`;
    const owner = new Caller(server.url, noauth(a, ROLES.admin));
    const queue = uniqueName('cell');
    await owner.createQueue(queue, { owner: 'A' });
    const messageIds = await owner.postMessages(queue, [{ n: 0 }, { n: 1 }, { n: 2 }]);
    const { claimId } = await owner.claim(queue, 1);
    const subscribed = await owner.post(`/v2/queues/${queue}/subscriptions`, { subscriber: SUBSCRIBER, ttl: 600 });
    return { a, b, queue, messageIds, claimId, subscriptionId: subscribed.body.subscription_id };
  }

  /** A's queue, messages and claim as the fixture left them. */
  async function expectIntact(f: Fixture): Promise<void> {
    const owner = new Caller(server.url, noauth(f.a, ROLES.admin));
    const [metadata, stats, claim, messages, subscription] = await Promise.all([
      owner.get(q(f)),
      owner.get(`${q(f)}/stats`),
      owner.get(`${q(f)}/claims/${f.claimId}`),
      owner.get(`${q(f)}/messages?ids=${f.messageIds.join(',')}`),
      owner.get(`${q(f)}/subscriptions/${f.subscriptionId}`),
    ]);
    expect([metadata.status, metadata.body.owner]).toEqual([200, 'A']);
    expect(stats.body.messages).toMatchObject(A_STATS);
    expect([claim.status, claim.body.messages.map((m: any) => m.id)]).toEqual([200, [f.messageIds[0]]]);
    expect(messages.body.messages.map((m: any) => m.body)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
    expect([subscription.status, subscription.body.ttl, subscription.body.confirmed]).toEqual([200, 600, false]);
  }

  it.each(cells.map((cell) => [cell.name, cell] as const))('%s', async (_name, cell) => {
    const f = await fixture();
    const caller = new Caller(server.url, noauth(cell.scope === 'own' ? f.a : f.b, ROLES[cell.role]));
    const reply = await cell.testCase.run(caller, f, cell.scope);
    if (!cell.allowed) {
      expect([reply.status, reply.body]).toEqual([403, policyDenied(cell.testCase.action)]);
      if (cell.testCase.scoped) await expectIntact(f);
    } else if (cell.scope === 'own') {
      cell.testCase.own(reply, f);
    } else {
      cell.testCase.other!(reply, f);
      await expectIntact(f);
    }
    passed.add(cell.name);
  });
});

describe('policy file edits take effect while the server runs', () => {
  let backend: TestBackend;
  let server: StartedServer;
  let dir: string;
  let policyFile: string;
  const original = readRepoPolicy();
  /** The reload latency the service promises: fs.watch plus a stat poll every 500 ms. */
  const RELOAD_MS = 2_000;

  const writePolicy = (rules: Record<string, string>) =>
    fs.writeFileSync(policyFile, JSON.stringify({ ...original, ...rules }, null, 1));

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zaqar-policy-'));
    policyFile = path.join(dir, 'policy.json');
    writePolicy({});
    backend = await sqliteBackend();
    server = await startServer({ storageUrl: backend.url, env: { POLICY_FILE: policyFile } });
  });

  afterAll(async () => {
    await server?.kill();
    await backend?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('restricting, breaking, fixing, replacing and removing the file: each valid edit applies within 2 s, a broken or missing file changes nothing', async () => {
    const project = `reload-${randomUUID()}`;
    const member = new Caller(server.url, noauth(project, ROLES.member));
    const admin = new Caller(server.url, noauth(project, ROLES.admin));
    const post = (caller: Caller) => caller.post('/v2/queues/jobs/messages', { messages: [{ body: 1, ttl: 300 }] });
    expect((await post(member)).status).toBe(201);

    // 1. messages:create for admins only
    writePolicy({ 'messages:create': 'role:admin' });
    const restricted = await pollUntil(
      () => post(member),
      (r) => r.status !== 201,
      RELOAD_MS,
    );
    expect([restricted.result.status, restricted.result.body]).toEqual([403, policyDenied('messages:create')]);
    expect((await post(admin)).status).toBe(201);
    console.log(`policy reload: messages:create restricted after ${restricted.elapsedMs} ms`);

    // 2. a broken edit: logged, and the last good policy stays in force
    fs.writeFileSync(policyFile, '{ "messages:create": "", ');
    const logged = await pollUntil(
      async () => server.output(),
      (output) => output.includes('Keeping the last good policy'),
      RELOAD_MS,
    );
    expect(logged.result).toContain(policyFile);
    expect(logged.result).toContain('Keeping the last good policy');
    await sleep(600); // past another stat poll: the bad file must not be picked up late either
    const [memberPost, adminPost, ping, listing] = await Promise.all([
      post(member),
      post(admin),
      member.get('/v2/ping'),
      member.get('/v2/queues'),
    ]);
    expect([memberPost.status, memberPost.body]).toEqual([403, policyDenied('messages:create')]);
    expect([adminPost.status, ping.status, listing.status]).toEqual([201, 204, 200]);

    // 3. fixed again: the watcher survived the broken edit
    writePolicy({ 'messages:create': '' });
    const reopened = await pollUntil(
      () => post(member),
      (r) => r.status !== 403,
      RELOAD_MS,
    );
    expect(reopened.result.status).toBe(201);

    // 4. replaced by rename, as editors and config managers write files: a new inode
    const staged = path.join(dir, 'policy.json.new');
    fs.writeFileSync(staged, JSON.stringify({ ...original, 'queues:get_all': 'role:admin' }));
    fs.renameSync(staged, policyFile);
    const renamed = await pollUntil(
      () => member.get('/v2/queues'),
      (r) => r.status !== 200,
      RELOAD_MS,
    );
    expect([renamed.result.status, renamed.result.body]).toEqual([403, policyDenied('queues:get_all')]);
    expect((await admin.get('/v2/queues')).status).toBe(200);
    expect((await post(member)).status).toBe(201);

    // 5. the file removed: the policy in force stays; written back, it applies again
    fs.rmSync(policyFile);
    await sleep(RELOAD_MS / 2);
    const [listing5, ping5] = await Promise.all([member.get('/v2/queues'), member.get('/v2/ping')]);
    expect([listing5.status, listing5.body, ping5.status]).toEqual([403, policyDenied('queues:get_all'), 204]);
    writePolicy({});
    const restored = await pollUntil(
      () => member.get('/v2/queues'),
      (r) => r.status !== 403,
      RELOAD_MS,
    );
    expect(restored.result.status).toBe(200);
  });
});
