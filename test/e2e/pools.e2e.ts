import { randomUUID } from 'node:crypto';
import { sqliteBackend } from '../support/backends';
import { serversOnFreshStore } from '../support/lifecycle';
import { pooledBackend } from '../support/pooled-backend';
import { ZaqarClient } from './client';
import { error, expectListingLimitsRefused, parseHref, poolStores } from './fixtures';

/**
 * The pools admin API, with Zaqar's test_pools_new.py as the checklist: each of its tests has one
 * here, named after it, with the same statuses; the rest are ours. Pools are global, so every test
 * registers pools of its own names; the listings run on a server of their own.
 */

const BODY = 'Invalid request body';
const NO_FIELD = 'One of `uri`, `weight`, `flavor`, or `options` needs to be specified';
const URI_TAKEN = error('Resource conflict', 'The database URI is in use by another pool.');

const INVALID_WEIGHTS: Array<[unknown, string]> = [
  [-1, '-1 is less than the minimum of 0'],
  [2 ** 32 + 1, '4294967297 is greater than the maximum of 4294967295'],
  ['big', "'big' is not of type 'integer'"],
];
const INVALID_URIS: Array<[unknown, string]> = [
  [-1, "-1 is not of type 'string'"],
  [2 ** 32 + 1, "4294967297 is not of type 'string'"],
  [[], "[] is not of type 'string'"],
  ['localhost:27017', 'cannot connect to localhost:27017'],
];
const INVALID_OPTIONS: Array<[unknown, string]> = [
  [-1, "-1 is not of type 'object'"],
  ['wee', "'wee' is not of type 'object'"],
  [[], "[] is not of type 'object'"],
];

describe('pools', () => {
  const running = serversOnFreshStore(pooledBackend);
  const stores = poolStores();
  const admin = () => new ZaqarClient(running.server.url).withRoles('admin');

  /** Zaqar's setUp: a pool of weight 100 and flavor my-flavor, on a store of its own. */
  async function registered(api: ZaqarClient) {
    const name = randomUUID();
    const doc = { weight: 100, flavor: 'my-flavor', uri: stores.uri() };
    const res = await api.put(`/v2/pools/${name}`, { json: doc });
    expect(res.status).toBe(201);
    return { name, path: `/v2/pools/${name}`, doc };
  }

  describe('PUT', () => {
    it('registers a pool: 201 with its Location and no body (test_put_pool_works)', async () => {
      const name = randomUUID();
      const res = await admin().put(`/v2/pools/${name}`, {
        json: { weight: 100, uri: stores.uri(), flavor: 'my-flavor' },
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBe(`/v2/pools/${name}`);
      expect(res.text).toBe('');
    });

    it('needs uri and weight (test_put_raises_if_missing_fields)', async () => {
      const api = admin();
      const path = `/v2/pools/${randomUUID()}`;
      const noUri = await api.put(path, { json: { weight: 100 } });
      expect(noUri.status).toBe(400);
      expect(noUri.body).toEqual(error(BODY, "'uri' is a required property"));
      const noWeight = await api.put(path, { json: { uri: stores.uri() } });
      expect(noWeight.status).toBe(400);
      expect(noWeight.body).toEqual(error(BODY, "'weight' is a required property"));
      expect((await api.get(path)).status).toBe(404);
    });

    it.each(INVALID_WEIGHTS)('refuses the weight %p (test_put_raises_if_invalid_weight)', async (weight, why) => {
      const res = await admin().put(`/v2/pools/${randomUUID()}`, { json: { weight, uri: 'a' } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(error(BODY, why));
    });

    it.each(INVALID_URIS)('refuses the uri %p (test_put_raises_if_invalid_uri)', async (uri, why) => {
      const res = await admin().put(`/v2/pools/${randomUUID()}`, { json: { weight: 1, uri } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(error(BODY, why));
    });

    it.each(INVALID_OPTIONS)('refuses the options %p (test_put_raises_if_invalid_options)', async (options, why) => {
      const res = await admin().put(`/v2/pools/${randomUUID()}`, { json: { weight: 1, uri: 'a', options } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(error(BODY, why));
    });

    // The reference answers 500 here: its SQL driver never turns the duplicate URI into a conflict.
    it('refuses a uri another pool has with 409 (test_put_same_database_uri)', async () => {
      const api = admin();
      const { doc } = await registered(api);
      const res = await api.put(`/v2/pools/${randomUUID()}`, { json: doc });
      expect(res.status).toBe(409);
      expect(res.body).toEqual(URI_TAKEN);
    });

    it('a PUT on a registered pool replaces every field: 201 again (test_put_existing_overwrites)', async () => {
      const api = admin();
      const { name, path } = await registered(api);
      const uri = stores.uri();
      const again = await api.put(path, { json: { weight: 7, uri, options: { a: 1 } } });
      expect(again.status).toBe(201);
      expect(again.headers.get('location')).toBe(path);
      const got = await api.get(path, { query: { detailed: true } });
      expect(got.status).toBe(200);
      // Zaqar's SQL driver would keep the old flavor, leaving out what the PUT leaves out; a PUT replaces here
      expect(got.body).toEqual({ name, uri, weight: 7, flavor: null, options: { a: 1 }, href: path });
    });

    it('refuses a uri no provider serves with 400, leaving the pool as it was (test_put_capabilities_mismatch_pool)', async () => {
      const api = admin();
      const { path, doc } = await registered(api);
      const res = await api.put(path, { json: { weight: 100, flavor: 'my-flavor', uri: 'redis://127.0.0.1:6379' } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(error(BODY, 'cannot connect to redis://127.0.0.1:6379'));
      expect((await api.get(path)).body.uri).toBe(doc.uri);
    });

    it('refuses with 400 a store of a known scheme that does not answer', async () => {
      const uri = 'postgres://postgres@127.0.0.1:1/nowhere';
      const res = await admin().put(`/v2/pools/${randomUUID()}`, { json: { weight: 1, uri } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(error(BODY, `cannot connect to ${uri}`));
    });

    it('takes the weights 0 and 2^32 - 1', async () => {
      const api = admin();
      for (const weight of [0, 2 ** 32 - 1]) {
        const path = `/v2/pools/${randomUUID()}`;
        expect((await api.put(path, { json: { weight, uri: stores.uri() } })).status).toBe(201);
        expect((await api.get(path)).body.weight).toBe(weight);
      }
    });

    it('refuses fields the schema does not name, a null flavor, and bodies that are not JSON objects', async () => {
      const api = admin();
      const path = `/v2/pools/${randomUUID()}`;
      const doc = { weight: 1, uri: stores.uri() };
      const cases: Array<[Parameters<ZaqarClient['put']>[1], string]> = [
        [{ json: { ...doc, location: 1 } }, "Additional properties are not allowed ('location' was unexpected)"],
        [{ json: { ...doc, flavor: null } }, "None is not of type 'string'"],
        [{ json: { ...doc, flavor: 'f'.repeat(256) } }, `'${'f'.repeat(256)}' is too long`],
        [{ json: [doc] }, `[{'weight': 1, 'uri': '${doc.uri}'}] is not of type 'object'`],
        [{ raw: '{"weight": 1,' }, 'JSON could not be parsed.'],
        [{ raw: '' }, 'JSON could not be parsed.'],
        [{}, 'JSON could not be parsed.'],
        [{ raw: `{"weight": 1${'0'.repeat(20)}, "uri": "${doc.uri}"}` }, 'JSON could not be parsed.'],
      ];
      for (const [options, why] of cases) {
        const res = await api.put(path, options);
        expect([res.status, res.body]).toEqual([400, error(BODY, why)]);
      }
      expect((await api.get(path)).status).toBe(404);
    });
  });

  describe('GET', () => {
    it('shows the pool without its options (test_get_works)', async () => {
      const api = admin();
      const { name, path, doc } = await registered(api);
      const res = await api.get(path);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ name, uri: doc.uri, weight: 100, flavor: 'my-flavor', href: path });
    });

    it('shows its options in detail (test_detailed_get_works)', async () => {
      const api = admin();
      const { name, path, doc } = await registered(api);
      const res = await api.get(path, { query: { detailed: 'True' } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ name, uri: doc.uri, weight: 100, flavor: 'my-flavor', options: {}, href: path });
    });

    it('answers 404 for a pool never registered (test_get_nonexisting_raises_404)', async () => {
      const res = await admin().get('/v2/pools/nonexisting');
      expect(res.status).toBe(404);
      expect(res.body).toEqual(error('Not found', 'Pool nonexisting does not exist'));
    });

    it('refuses a detailed that is not a boolean', async () => {
      const api = admin();
      const { path } = await registered(api);
      const res = await api.get(path, { query: { detailed: 'maybe' } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(
        error(
          'Invalid parameter',
          'The "detailed" parameter is invalid. The value of the parameter must be "true" or "false".',
        ),
      );
    });
  });

  describe('PATCH', () => {
    it('needs one of uri, weight, flavor or options (test_patch_raises_if_missing_fields)', async () => {
      const api = admin();
      const { path } = await registered(api);
      const res = await api.patch(path, { json: { location: 1 } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(error(BODY, NO_FIELD));
    });

    it.each([
      ['test_patch_works', {}],
      ['test_patch_works_with_extra_fields', { location: 100, partition: 'taco' }],
    ])('changes the fields given and answers the pool (%s)', async (_name, extra) => {
      const api = admin();
      const { name, path } = await registered(api);
      const uri = stores.uri();
      const res = await api.patch(path, { json: { weight: 101, uri, options: { a: 1 }, ...extra } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ name, uri, weight: 101, flavor: 'my-flavor', href: path });
      const got = await api.get(path, { query: { detailed: 'True' } });
      expect(got.status).toBe(200);
      expect(got.body).toEqual({ ...res.body, options: { a: 1 } });
    });

    it.each(INVALID_WEIGHTS)('refuses the weight %p (test_patch_raises_400_on_invalid_weight)', async (weight, why) => {
      const api = admin();
      const { path } = await registered(api);
      const res = await api.patch(path, { json: { weight } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(error(BODY, why));
    });

    it.each(INVALID_URIS)('refuses the uri %p (test_patch_raises_400_on_invalid_uri)', async (uri, why) => {
      const api = admin();
      const { path, doc } = await registered(api);
      const res = await api.patch(path, { json: { uri } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(error(BODY, why));
      expect((await api.get(path)).body.uri).toBe(doc.uri);
    });

    it.each(INVALID_OPTIONS)(
      'refuses the options %p (test_patch_raises_400_on_invalid_options)',
      async (options, why) => {
        const api = admin();
        const { path } = await registered(api);
        const res = await api.patch(path, { json: { options } });
        expect(res.status).toBe(400);
        expect(res.body).toEqual(error(BODY, why));
      },
    );

    it('answers 404 for a pool never registered (test_patch_raises_404_if_pool_not_found)', async () => {
      const res = await admin().patch('/v2/pools/notexists', { json: { weight: 1 } });
      expect(res.status).toBe(404);
      expect(res.body).toEqual(error('Not found', 'Pool notexists does not exist'));
    });

    it('refuses a uri another pool has with 409, leaving the pool as it was', async () => {
      const api = admin();
      const first = await registered(api);
      const second = await registered(api);
      const res = await api.patch(second.path, { json: { uri: first.doc.uri, weight: 5 } });
      expect(res.status).toBe(409);
      expect(res.body).toEqual(URI_TAKEN);
      expect((await api.get(second.path)).body).toMatchObject({ uri: second.doc.uri, weight: 100 });
    });

    it('keeps the uri a pool has, and clears its flavor with an empty one', async () => {
      const api = admin();
      const { path, doc } = await registered(api);
      const res = await api.patch(path, { json: { uri: doc.uri, flavor: '' } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ uri: doc.uri, flavor: '' });
    });

    it('refuses a body that is not JSON', async () => {
      const api = admin();
      const { path } = await registered(api);
      const res = await api.patch(path, { raw: 'weight=1' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(error(BODY, 'JSON could not be parsed.'));
    });
  });

  describe('DELETE', () => {
    it('deletes the pool: 204, then GET answers 404 (test_delete_works)', async () => {
      const api = admin();
      const { path } = await registered(api);
      expect((await api.patch(path, { json: { flavor: '' } })).status).toBe(200);
      const res = await api.delete(path);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect((await api.get(path)).status).toBe(404);
    });

    it('answers 204 for a pool never registered, as Zaqar', async () => {
      expect((await admin().delete(`/v2/pools/${randomUUID()}`)).status).toBe(204);
    });

    // Zaqar deletes such a pool (204) and its queues are lost to the API.
    it('refuses to delete a pool that holds a queue (409), and deletes it once the queue is gone', async () => {
      const api = admin();
      const flavor = `only-${randomUUID()}`;
      const name = randomUUID();
      expect((await api.put(`/v2/pools/${name}`, { json: { weight: 1, uri: stores.uri(), flavor } })).status).toBe(201);
      expect((await api.put(`/v2/flavors/${flavor}`, { json: { pool_list: [name] } })).status).toBe(201);
      await api.createQueue('held', { _flavor: flavor });

      const refused = await api.delete(`/v2/pools/${name}`);
      expect(refused.status).toBe(409);
      expect(refused.body).toEqual(
        error(
          'Resource conflict',
          `Pool ${name} cannot be deleted while it holds queues, among them: ${api.project}/held. ` +
            'Delete those queues first.',
        ),
      );
      expect((await api.get(`/v2/pools/${name}`)).status).toBe(200);

      expect((await api.delete('/v2/queues/held')).status).toBe(204);
      expect((await api.delete(`/v2/pools/${name}`)).status).toBe(204);
      expect((await api.get(`/v2/pools/${name}`)).status).toBe(404);
      expect((await api.delete(`/v2/flavors/${flavor}`)).status).toBe(204);
    });
  });

  describe('U+0000, which PostgreSQL text cannot hold', () => {
    it('a name holding it is refused on PUT, not found on GET and PATCH, deleted already on DELETE', async () => {
      const api = admin();
      const path = '/v2/pools/a%00b';
      const put = await api.put(path, { json: { weight: 1, uri: stores.uri() } });
      expect(put.status).toBe(400);
      expect(put.body).toEqual(error('Invalid name', 'Pool names may not contain U+0000'));
      expect((await api.get(path)).body).toEqual(error('Not found', 'Pool a\u0000b does not exist'));
      expect((await api.patch(path, { json: { weight: 2 } })).status).toBe(404);
      expect((await api.delete(path)).status).toBe(204);
    });

    it('a uri or flavor holding it is refused with 400, leaving the pool as it was', async () => {
      const api = admin();
      const { path, doc } = await registered(api);
      for (const change of [{ uri: 'sqlite:/tmp/a\u0000b' }, { flavor: 'fast\u0000' }]) {
        const put = await api.put(path, { json: { ...doc, ...change } });
        const patch = await api.patch(path, { json: change });
        const field = Object.keys(change)[0];
        for (const res of [put, patch]) {
          expect(res.status).toBe(400);
          expect(res.body).toEqual(error(BODY, `\`${field}\` may not contain U+0000`));
        }
      }
      expect((await api.get(path)).body).toMatchObject({ flavor: doc.flavor, uri: doc.uri });
    });

    it('a listing marker holding it lists the pools after the text before it', async () => {
      const api = admin();
      const { name } = await registered(api);
      const res = await api.get(`/v2/pools?marker=${name.slice(0, 8)}%00zz&limit=20`);
      expect(res.status).toBe(200);
      expect(res.body.pools.map((pool: { name: string }) => pool.name)).toContain(name);
    });
  });

  describe('policy', () => {
    it('refuses every pools action to a caller without the admin role (403)', async () => {
      const api = admin();
      const { path } = await registered(api);
      const member = new ZaqarClient(running.server.url).withRoles('member');
      const tries: Array<[string, string, Promise<{ status: number; body: unknown }>]> = [
        ['GET', 'pools:get_all', member.get('/v2/pools')],
        ['GET', 'pools:get', member.get(path)],
        ['PUT', 'pools:create', member.put(`/v2/pools/${randomUUID()}`, { json: { weight: 1, uri: stores.uri() } })],
        ['PATCH', 'pools:update', member.patch(path, { json: { weight: 1 } })],
        ['DELETE', 'pools:delete', member.delete(path)],
      ];
      for (const [method, action, reply] of tries) {
        const res = await reply;
        expect([method, res.status, res.body]).toEqual([
          method,
          403,
          error('Not authorized', `${action} is disallowed by policy.`),
        ]);
      }
      expect((await api.get(path)).body.weight).toBe(100);
    });
  });
});

describe('pool listings', () => {
  const running = serversOnFreshStore(pooledBackend);
  const stores = poolStores();
  const admin = () => new ZaqarClient(running.server.url).withRoles('admin');

  // Zaqar's listing tests start from no pool: the two the pooled store comes with hold no queue yet.
  beforeAll(async () => {
    const api = admin();
    for (const pool of (await api.get('/v2/pools')).body.pools) {
      expect((await api.delete(pool.href)).status).toBe(204);
    }
  });

  /** Zaqar's pools() helper: pools named 0..count-1, each of weight i and options {i: i}, removed after. */
  async function withPools(count: number, test: (api: ZaqarClient) => Promise<void>): Promise<void> {
    const api = admin();
    const names = Array.from({ length: count }, (_, i) => String(i));
    const created = await Promise.all(
      names.map((name, i) => {
        const doc = { weight: i, uri: stores.uri(), flavor: 'my-flavor', options: { [name]: i } };
        return api.put(`/v2/pools/${name}`, { json: doc });
      }),
    );
    expect(created.map((res) => res.status)).toEqual(names.map(() => 201));
    try {
      await test(api);
    } finally {
      await Promise.all(names.map((name) => api.delete(`/v2/pools/${name}`)));
    }
  }

  /** A listed pool as the helper made it: its weight tells which. */
  function expectPool(pool: Record<string, unknown>, detailed: boolean) {
    const i = pool.weight as number;
    expect(pool).toEqual({
      name: String(i),
      uri: expect.stringMatching(/^sqlite:/),
      weight: i,
      flavor: 'my-flavor',
      ...(detailed ? { options: { [String(i)]: i } } : {}),
      href: `/v2/pools/${i}`,
    });
  }

  it('an empty listing has no pools and no links (test_empty_listing)', async () => {
    const res = await admin().get('/v2/pools');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ pools: [], links: [] });
  });

  async function listingTest(count: number, limit: number, detailed: boolean) {
    await withPools(count, async (api) => {
      const first = await api.get(`/v2/pools?limit=${limit}&detailed=${detailed}`);
      expect(first.status).toBe(200);
      expect(first.body.links).toHaveLength(1);
      const [link] = first.body.links;
      expect(link.rel).toBe('next');
      const { path, query } = parseHref(link.href);
      expect(path).toBe('/v2/pools');
      expect(query).toEqual({ limit: String(limit), detailed: String(detailed), marker: expect.any(String) });

      const next = await api.get(link.href);
      expect(next.status).toBe(200);
      expect(next.body).toHaveProperty('links');
      expect(first.body.pools).toHaveLength(Math.min(limit, count));
      expect(next.body.pools).toHaveLength(limit < count ? Math.min(limit, count - limit) : 0);
      for (const pool of [...first.body.pools, ...next.body.pools]) expectPool(pool, detailed);
      const names = [...first.body.pools, ...next.body.pools].map((pool: { name: string }) => pool.name);
      expect(names).toEqual([...names].sort());
    });
  }

  it('lists ten pools and links the next page (test_listing_works)', () => listingTest(10, 10, false));

  it('shows the options of each in detail (test_detailed_listing_works)', () => listingTest(10, 10, true));

  it.each([1, 5, 10, 15])('pages fifteen pools %p at a time (test_listing_works_with_limit)', (limit) =>
    listingTest(15, limit, false),
  );

  it('lists the pools after the marker (test_listing_marker_is_respected)', async () => {
    await withPools(10, async (api) => {
      const res = await api.get('/v2/pools?marker=3');
      expect(res.status).toBe(200);
      expect(res.body.pools.map((pool: { name: string }) => pool.name)).toEqual(['4', '5', '6', '7', '8', '9']);
      expectPool(res.body.pools[0], false);
      expect(res.body.links).toEqual([{ rel: 'next', href: '/v2/pools?marker=9' }]);
    });
  });

  it('refuses a limit below 1 or above max_pools_per_page (test_listing_error_with_invalid_limit)', async () => {
    await withPools(10, async (api) => {
      await expectListingLimitsRefused(api, '/v2/pools');
    });
  });
});

describe('pools with pooling off', () => {
  const running = serversOnFreshStore(sqliteBackend);

  it('/v2/pools is an unknown resource (404), as in Zaqar', async () => {
    const api = new ZaqarClient(running.server.url).withRoles('admin');
    const listed = await api.get('/v2/pools');
    expect(listed.status).toBe(404);
    expect(listed.body).toEqual(error('404 Not Found', 'The resource /v2/pools does not exist.'));
    const put = await api.put('/v2/pools/p', { json: { weight: 1, uri: 'sqlite::memory:' } });
    expect(put.status).toBe(404);
    expect(put.body).toEqual(error('404 Not Found', 'The resource /v2/pools/p does not exist.'));
  });
});
