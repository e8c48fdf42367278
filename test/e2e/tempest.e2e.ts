import { BACKENDS, TestBackend } from '../support/backends';
import { describeWithKeystone, KeystoneApi, KeystoneFixture, startKeystone } from '../support/keystone';
import { startServer, StartedServer } from '../support/server';
import { runTempest, TempestOutcome, tempestMissing } from '../support/tempest';

/**
 * Zaqar's own API tests for queues, messages, claims and subscriptions (positive and negative), and
 * its v1.1 tests of queues, messages and claims.
 */
const MODULES = [
  ...[
    'test_queues',
    'test_queues_negative',
    'test_messages',
    'test_messages_negative',
    'test_claims',
    'test_claims_negative',
    'test_subscriptions',
    'test_subscriptions_negative',
  ].map((name) => `zaqar_tempest_plugin.tests.v2.${name}`),
  ...['test_queues', 'test_messages', 'test_claims'].map((name) => `zaqar_tempest_plugin.tests.v1_1.${name}`),
];

/**
 * Tests left out, each for a reason that is not ours to fix here:
 * - six listings (two of queues, two of subscriptions, the purge test, which lists
 *   subscriptions, and v1.1's list of queues) check the `next` link's href against JSON Schema's `uri` format, which
 *   python3-rfc3987 (installed with Tempest) only grants to absolute URIs. Zaqar 15 answers the same
 *   relative href and fails them the same way (checked with this harness for the queue listings), and
 *   python-zaqarclient needs it relative: it follows a link by appending it to its endpoint.
 */
const EXCLUDED = [
  'test_queues.TestManageQueue.test_list_queues[',
  'test_queues.TestManageQueue.test_list_queues_with_count[',
  'test_queues.TestManageQueue.test_purge_queue[',
  'test_subscriptions.TestSubscriptions.test_list_subscriptions[',
  'test_subscriptions_negative.TestSubscriptionsNegative.test_list_subscriptions_from_queue_with_no_subsciptions[',
]
  .map((test) => `zaqar_tempest_plugin.tests.v2.${test}`)
  .concat('zaqar_tempest_plugin.tests.v1_1.test_queues.TestManageQueue.test_list_queues[');

/** The fixture's projects, one per back end. */
const PROJECTS = ['alpha', 'beta'] as const;

/**
 * Zaqar's Tempest plugin, unchanged, against our server on every back end at once: a real Keystone,
 * our server validating its tokens, and the catalog naming each server as a messaging service of its
 * own type. Runs take two and a half minutes, most of it a dead-letter test sleeping for claims to
 * expire, so the back ends run side by side.
 */
describeWithKeystone(
  "Zaqar's Tempest plugin (v2 queues, messages, claims, subscriptions; v1.1) against our server",
  () => {
    let keystone: KeystoneFixture;
    const backends: TestBackend[] = [];
    const servers: StartedServer[] = [];
    let outcomes: Map<string, TempestOutcome>;

    beforeAll(async () => {
      const missing = tempestMissing();
      if (missing) throw new Error(`cannot run Tempest: ${missing}`);
      keystone = await startKeystone();
      const api = new KeystoneApi(keystone.authUrl);
      const admin = await keystone.token('admin');
      const runs = BACKENDS.map(async ([name, makeBackend], i) => {
        const backend = await makeBackend();
        backends.push(backend);
        const server = await startServer({
          storageUrl: backend.url,
          // the trust subscription test posts its notifications back to this server, on loopback
          env: {
            AUTH_STRATEGY: 'keystone',
            WEBHOOK_TARGET_GUARD: 'off',
            ENABLE_DEPRECATED_API_VERSIONS: '1.1',
            ...keystone.env(),
          },
        });
        servers.push(server);
        const catalogType = `messaging-${name}`;
        await api.addService(admin, catalogType, name, server.url);
        const outcome = await runTempest({
          authUrl: keystone.authUrl,
          // a project of its own per back end
          account: {
            username: `${PROJECTS[i]}-member`,
            password: keystone.userPassword,
            projectName: PROJECTS[i],
            userDomainName: 'Default',
            projectDomainName: 'Default',
          },
          catalogType,
          modules: MODULES,
          exclude: EXCLUDED,
        });
        return [name, outcome] as const;
      });
      outcomes = new Map(await Promise.all(runs));
    }, 900_000);

    afterAll(async () => {
      await Promise.all(servers.map((server) => server.kill()));
      await Promise.all(backends.map((backend) => backend.drop()));
      await keystone?.stop();
    });

    describe.each(BACKENDS.map(([name]) => name))('on %s', (name) => {
      it('every selected test passes', () => {
        const outcome = outcomes.get(name)!;
        const report = outcome.ok ? '' : outcome.output.slice(-20_000);
        expect({ failed: outcome.failed, report }).toEqual({ failed: [], report: '' });
        expect(outcome.ran).toBe(outcome.selected.length);
        // the plugin's v2 queue, message, claim and subscription tests, less the five left out
        expect(outcome.selected.filter((id) => id.includes('.tests.v2.')).length).toBeGreaterThanOrEqual(130);
        // and its 13 v1.1 tests of queues, messages and claims, less the one left out
        expect(outcome.selected.filter((id) => id.includes('.tests.v1_1.')).length).toBe(12);
        expect(EXCLUDED.every((id) => !outcome.selected.some((selected) => selected.startsWith(id)))).toBe(true);
      });
    });
  },
  tempestMissing,
);
