import fc from 'fast-check';
import { type FuzzJson, objectOf, Pick } from './json-text';
import { type ItemKind, type Known, nth, type Space } from './known';

/** What valid values depend on in one run: where nothing listens, which pool stores answer. */
export interface FuzzSetting {
  /** A local port nothing listens on: every valid webhook subscriber points there. */
  deadPort: number;
  /** Stores a pool may be registered on. */
  poolUris: string[];
}

/** The queue (and topic) every run starts with, holding messages, a claim and a subscription. */
export const FIXTURE_QUEUE: Record<Space, string> = { queues: 'fuzz-q', topics: 'fuzz-t' };
/** Queue names valid requests create and delete: few, so the run churns a bounded set. */
const CHURNED_QUEUES = ['fz-a', 'fz-b', 'fz-c', 'fz-d'];
const POOL_NAMES = ['fz-pool-a', 'fz-pool-b', 'fz-pool-c'];
const FLAVOR_NAMES = ['fz-flavor-a', 'fz-flavor-b'];
/** A well-formed id that names nothing. */
export const NO_SUCH_ID = '01890a5d-ac96-774b-bcce-b302099a8057';

/** A queue name that passes validation: mostly known ones, sometimes one never seen. */
export function queueName(space: Space): fc.Arbitrary<FuzzJson> {
  return fc.oneof(
    {
      arbitrary: fc.nat().map((n) => new Pick((k) => nth(k.queues[space], n) ?? FIXTURE_QUEUE[space], `queue#${n}`)),
      weight: 4,
    },
    { arbitrary: fc.constantFrom(FIXTURE_QUEUE[space], ...CHURNED_QUEUES), weight: 3 },
    { arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), weight: 1 },
  );
}

/**
 * One known message, claim or subscription (or queue) that several fields of a request point at
 * together, so a message id comes with the queue it is in and the claim that holds it.
 */
export interface Target {
  queue: Pick;
  id: Pick;
  claimId: Pick;
}

export function target(kind: ItemKind | 'queues', space: Space, n: number): Target {
  const item = (k: Known) =>
    kind === 'queues'
      ? undefined
      : nth(
          k.items[kind].filter((i) => i.space === space),
          n,
        );
  const queue = (k: Known) => (kind === 'queues' ? nth(k.queues[space], n) : item(k)?.queue) ?? FIXTURE_QUEUE[space];
  return {
    queue: new Pick(queue, `${kind}#${n}.queue`),
    id: new Pick((k) => item(k)?.id ?? NO_SUCH_ID, `${kind}#${n}.id`),
    claimId: new Pick((k) => item(k)?.claimId ?? nth(k.items.claims, n)?.id ?? NO_SUCH_ID, `${kind}#${n}.claim`),
  };
}

/** Which known kind an id field or path parameter names. */
export const ID_KINDS: Record<string, ItemKind> = {
  message: 'messages',
  message_id: 'messages',
  claim: 'claims',
  claim_id: 'claims',
  subscription: 'subscriptions',
  subscription_id: 'subscriptions',
};

export const knownPool = fc
  .nat()
  .chain((n) =>
    fc.constantFrom<FuzzJson>(new Pick((k) => nth(k.pools, n) ?? POOL_NAMES[0], `pool#${n}`), ...POOL_NAMES),
  );
export const knownFlavor = fc
  .nat()
  .chain((n) =>
    fc.constantFrom<FuzzJson>(new Pick((k) => nth(k.flavors, n) ?? FLAVOR_NAMES[0], `flavor#${n}`), ...FLAVOR_NAMES),
  );
const knownMarker = fc.nat().map((n) => new Pick((k) => nth(k.markers, n) ?? '0', `marker#${n}`));
const knownIds = (kind: ItemKind) =>
  fc.array(
    fc.nat().map((n) => new Pick((k) => nth(k.items[kind], n)?.id ?? NO_SUCH_ID, `${kind}#${n}.id`)),
    { minLength: 1, maxLength: 4 },
  );

/** Reserved metadata keys and a few of the caller's own, as a JSON-patch path names them. */
const METADATA_KEYS = [
  '_default_message_ttl',
  '_default_message_delay',
  '_max_messages_post_size',
  '_dead_letter_queue',
  '_dead_letter_queue_messages_ttl',
  '_max_claim_count',
  '_enable_encrypt_messages',
  '_flavor',
  'owner',
  'tags',
];

const smallJson = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<FuzzJson>;

/** Valid values by field name, for REST bodies and socket frames alike. */
export function fieldValues(setting: FuzzSetting): Record<string, fc.Arbitrary<FuzzJson>> {
  const { deadPort } = setting;
  const messages = fc.array(
    fc.record(
      { body: smallJson, ttl: fc.integer({ min: 60, max: 1_209_600 }), delay: fc.integer({ min: 0, max: 900 }) },
      { requiredKeys: ['body'] },
    ),
    { minLength: 1, maxLength: 10 },
  ) as fc.Arbitrary<FuzzJson>;
  return {
    uri: fc.constantFrom(...setting.poolUris, `postgres://postgres@127.0.0.1:${deadPort}/nothing`),
    // never a host beyond this machine: deliveries to these fail, and stay on the failed list
    subscriber: fc.constantFrom(
      `http://127.0.0.1:${deadPort}/hook`,
      `https://127.0.0.1:${deadPort}/hook`,
      `trust+http://127.0.0.1:${deadPort}/trust`,
      `http://[::1]:${deadPort}/`,
      'mailto:fuzz@example.com',
      `ftp://127.0.0.1:${deadPort}/`,
    ),
    pool_list: fc.array(knownPool, { minLength: 1, maxLength: 3 }),
    flavor: knownFlavor,
    _flavor: knownFlavor,
    _dead_letter_queue: queueName('queues'),
    path: fc.constantFrom(...METADATA_KEYS).map((key) => `/metadata/${key}`),
    expires: fc.constantFrom('2099-01-01T00:00:00', '2099-12-31T23:59:59Z', '2000-01-01T00:00:00', 'tomorrow'),
    body: smallJson,
    messages,
    delay: fc.integer({ min: 0, max: 900 }),
    options: fc.oneof(
      fc.constant(objectOf([])),
      fc.constant(
        objectOf([
          [
            '_retry_policy',
            objectOf([
              ['minimum_delay', 1],
              ['retries_with_no_delay', 1],
            ]),
          ],
        ]),
      ),
      fc.constant(objectOf([['post_data', objectOf([['event', '$zaqar_message$']])]])),
      fc.constant(objectOf([['_filter', objectOf([['kind', 'a']])]])),
      fc.dictionary(fc.string({ maxLength: 8 }), smallJson, { maxKeys: 3 }),
    ),
    // socket frames name these in their bodies; REST puts them in the path or the query
    queue_name: queueName('queues'),
    topic_name: queueName('topics'),
    marker: knownMarker,
    message_ids: knownIds('messages'),
    claim_ids: knownIds('claims'),
    limit: fc.integer({ min: 1, max: 20 }),
    // long polls hold a request up to 20 s; a second is enough to reach that code
    wait: fc.integer({ min: 0, max: 1 }),
    pop: fc.integer({ min: 1, max: 20 }),
    resource_types: fc.subarray(['messages', 'subscriptions'], { minLength: 1 }),
  };
}
