import { randomUUID } from 'node:crypto';
import { sqliteBackend } from '../support/backends';
import { serversOnFreshStore } from '../support/lifecycle';
import { pooledBackend } from '../support/pooled-backend';
import { ZaqarClient } from './client';
import { error, expectListingLimitsRefused, parseHref, poolStores } from './fixtures';

/**
 * The flavors admin API, with Zaqar's test_flavors_new.py as the checklist: each of its tests has
 * one here, named after it, with the same statuses; the rest are ours. A flavor belongs to a
 * project, so every test works in a project of its own; pools are global and carry a flavor's name,
 * so each test registers pools of its own (the listings share theirs, one after the other).
 */

const BODY = 'Invalid request body';
const PATCH_NEEDS = error(BODY, '`pool_list` needs to be specified');
const EMPTY_LIST = error('Unable to create', 'Bad Request');
// Zaqar's test expects the names (FIFO, CLAIMS, ...); Zaqar 15 on Python 3.11 answers str() of its
// IntEnum members, as we do (src/storage/storage-providers.ts).
const CAPABILITIES = ['1', '2', '3', '4', '5'];

const INVALID_POOL_LISTS: Array<[unknown, Record<string, string>]> = [
  [1, error(BODY, "1 is not of type 'array'")],
  [-1, error(BODY, "-1 is not of type 'array'")],
  [2 ** 32 + 1, error(BODY, "4294967297 is not of type 'array'")],
  [[], EMPTY_LIST],
];

const flavorPath = (name: string) => `/v2/flavors/${name}`;

describe('flavors', () => {
  const running = serversOnFreshStore(pooledBackend);
  const stores = poolStores();
  const admin = () => new ZaqarClient(running.server.url).withRoles('admin');

  /** Registers `count` pools of weight 100 at once, each on a store of its own; answers their names. */
  async function addPools(api: ZaqarClient, count: number): Promise<string[]> {
    const names = Array.from({ length: count }, () => `pool-${randomUUID()}`);
    const created = await Promise.all(
      names.map((name) => api.put(`/v2/pools/${name}`, { json: { weight: 100, uri: stores.uri() } })),
    );
    expect(created.map((res) => res.status)).toEqual(names.map(() => 201));
    return names;
  }

  /** Zaqar's setUp: a pool, and a flavor of it made with empty capabilities, in a project of its own. */
  async function registered() {
    const api = admin();
    const [pool] = await addPools(api, 1);
    const name = `flavor-${randomUUID()}`;
    const res = await api.put(flavorPath(name), { json: { capabilities: {}, pool_list: [pool] } });
    expect(res.status).toBe(201);
    return { api, name, pool, path: flavorPath(name) };
  }

  describe('PUT', () => {
    it('creates a flavor: 201 with its Location and no body (test_put_flavor_works)', async () => {
      const api = admin();
      const [pool] = await addPools(api, 1);
      const res = await api.put('/v2/flavors/fast', { json: { pool_list: [pool] } });
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBe('/v2/flavors/fast');
      expect(res.text).toBe('');
      // the flavor's pools are those that name it
      expect((await api.get(`/v2/pools/${pool}`)).body.flavor).toBe('fast');
    });

    it('needs a pool_list (test_put_raises_if_missing_fields)', async () => {
      const api = admin();
      const path = flavorPath(randomUUID());
      for (const json of [{}, { capabilities: {} }]) {
        const res = await api.put(path, { json });
        expect([res.status, res.body]).toEqual([400, error(BODY, "'pool_list' is a required property")]);
      }
      expect((await api.get(path)).status).toBe(404);
    });

    it.each(INVALID_POOL_LISTS)('refuses the pool_list %p (test_put_raises_if_invalid_pool)', async (list, why) => {
      const res = await admin().put(flavorPath(randomUUID()), { json: { pool_list: list } });
      expect([res.status, res.body]).toEqual([400, why]);
    });

    it('takes the capabilities of its pools (test_put_auto_get_capabilities)', async () => {
      const api = admin();
      const [pool] = await addPools(api, 1);
      const path = flavorPath(randomUUID());
      expect((await api.put(path, { json: { pool_list: [pool] } })).status).toBe(201);
      expect((await api.get(path)).body.capabilities).toEqual(CAPABILITIES);
    });

    it('a PUT on an existing flavor gives it the new pools: 201 again (test_put_existing_overwrites)', async () => {
      const { api, name, pool, path } = await registered();
      const [other] = await addPools(api, 1);
      const again = await api.put(path, { json: { pool_list: [other] } });
      expect(again.status).toBe(201);
      expect(again.headers.get('location')).toBe(path);
      const got = await api.get(path);
      expect([got.status, got.body]).toEqual([
        200,
        { name, capabilities: CAPABILITIES, pool_list: [other], href: path },
      ]);
      expect((await api.get(`/v2/pools/${pool}`)).body.flavor).toBeNull();
    });

    it('refuses a pool that is no longer registered (test_create_flavor_no_pool_list)', async () => {
      const { api, name, pool, path } = await registered();
      expect((await api.delete(path)).status).toBe(204);
      expect((await api.delete(`/v2/pools/${pool}`)).status).toBe(204);
      const res = await api.put(path, { json: { capabilities: {}, pool_list: [pool] } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(
        error('Unable to create', `Flavor ${name} could not be created, error:Pool ${pool} does not exist`),
      );
      expect((await api.get(path)).status).toBe(404);
    });

    it('refuses a pool never registered, even beside one that is, and creates nothing', async () => {
      const api = admin();
      const [pool] = await addPools(api, 1);
      const res = await api.put('/v2/flavors/x', { json: { pool_list: [pool, 'nope'] } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(
        error('Unable to create', 'Flavor x could not be created, error:Pool nope does not exist'),
      );
      expect((await api.get('/v2/flavors/x')).status).toBe(404);
      expect((await api.get(`/v2/pools/${pool}`)).body.flavor).toBeNull();
    });

    it('refuses wrong types, fields the schema does not name, and bodies that are not JSON objects', async () => {
      const api = admin();
      const path = flavorPath(randomUUID());
      const cases: Array<[Parameters<ZaqarClient['put']>[1], string]> = [
        [{ json: { pool_list: 'a' } }, "'a' is not of type 'array'"],
        [{ json: { pool_list: ['a', 1] } }, "1 is not of type 'string'"],
        [{ json: { pool_list: [null] } }, "None is not of type 'string'"],
        [{ json: { pool_list: ['a'], capabilities: [] } }, "[] is not of type 'object'"],
        [{ json: { pool_list: ['a'], capabilities: 'wee' } }, "'wee' is not of type 'object'"],
        [
          { json: { pool_list: ['a'], location: 1 } },
          "Additional properties are not allowed ('location' was unexpected)",
        ],
        [{ json: ['a'] }, "['a'] is not of type 'object'"],
        [{ raw: '{"pool_list": [' }, 'JSON could not be parsed.'],
        [{ raw: '' }, 'JSON could not be parsed.'],
        [{}, 'JSON could not be parsed.'],
      ];
      for (const [options, why] of cases) {
        const res = await api.put(path, options);
        expect([res.status, res.body]).toEqual([400, error(BODY, why)]);
      }
      expect((await api.get(path)).status).toBe(404);
    });
  });

  describe('GET', () => {
    it('shows the flavor with its pools and their capabilities (test_get_works)', async () => {
      const { api, name, pool, path } = await registered();
      const res = await api.get(path);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ name, capabilities: CAPABILITIES, pool_list: [pool], href: path });
    });

    it('answers 404 for a flavor never created (test_get_nonexisting_raises_404)', async () => {
      const res = await admin().get('/v2/flavors/nonexisting');
      expect(res.status).toBe(404);
      expect(res.body).toEqual(error('Not found', 'Flavor nonexisting does not exist'));
    });
  });

  describe('PATCH', () => {
    it('needs a pool_list (test_patch_raises_if_missing_fields)', async () => {
      const { api, path } = await registered();
      const res = await api.patch(path, { json: { location: 1 } });
      expect([res.status, res.body]).toEqual([400, PATCH_NEEDS]);
    });

    it.each([
      ['test_patch_works', {}],
      ['test_patch_works_with_extra_fields', { location: 100, partition: 'taco' }],
    ])('gives the flavor the pools named, ignoring other fields, and answers it (%s)', async (_name, extra) => {
      const { api, name, pool, path } = await registered();
      const [other] = await addPools(api, 1);
      const res = await api.patch(path, { json: { pool_list: [other], capabilities: [], ...extra } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ name, capabilities: CAPABILITIES, pool_list: [other], href: path });
      const got = await api.get(path);
      expect([got.status, got.body]).toEqual([200, res.body]);
      expect((await api.get(`/v2/pools/${pool}`)).body.flavor).toBeNull();
    });

    it.each(INVALID_POOL_LISTS)(
      'refuses the pool_list %p (test_patch_raises_400_on_invalid_pool_list)',
      async (list, why) => {
        const { api, pool, path } = await registered();
        const res = await api.patch(path, { json: { pool_list: list } });
        expect([res.status, res.body]).toEqual([400, why]);
        expect((await api.get(path)).body.pool_list).toEqual([pool]);
      },
    );

    // Zaqar's patch schema knows only pool_list: capabilities alone are a body without it.
    it.each([-1, 'wee', []])(
      'refuses the capabilities %p without a pool_list (test_patch_raises_400_on_invalid_capabilities)',
      async (capabilities) => {
        const { api, path } = await registered();
        const res = await api.patch(path, { json: { capabilities } });
        expect([res.status, res.body]).toEqual([400, PATCH_NEEDS]);
      },
    );

    it('answers 404 for a flavor never created (test_patch_raises_404_if_flavor_not_found)', async () => {
      const res = await admin().patch('/v2/flavors/notexists', { json: { pool_list: ['test'] } });
      expect(res.status).toBe(404);
      expect(res.body).toEqual(error('Not found', 'Flavor notexists does not exist'));
    });

    it('refuses a pool never registered, leaving the flavor as it was', async () => {
      const { api, name, pool, path } = await registered();
      const res = await api.patch(path, { json: { pool_list: ['nope'] } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(error('updatefail', `Flavor ${name} cant be updated, error:Pool nope does not exist`));
      expect((await api.get(path)).body.pool_list).toEqual([pool]);
    });

    it('refuses pool names that are not strings and bodies that are not JSON', async () => {
      const { api, pool, path } = await registered();
      const cases: Array<[Parameters<ZaqarClient['patch']>[1], string]> = [
        [{ json: { pool_list: 'a' } }, "'a' is not of type 'array'"],
        [{ json: { pool_list: [pool, 1] } }, "1 is not of type 'string'"],
        [{ raw: 'pool_list=a' }, 'JSON could not be parsed.'],
        [{}, 'JSON could not be parsed.'],
      ];
      for (const [options, why] of cases) {
        const res = await api.patch(path, options);
        expect([res.status, res.body]).toEqual([400, error(BODY, why)]);
      }
      expect((await api.get(path)).body.pool_list).toEqual([pool]);
    });
  });

  describe('DELETE', () => {
    it('deletes the flavor: 204, then GET answers 404 (test_delete_works)', async () => {
      const { api, pool, path } = await registered();
      const res = await api.delete(path);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect((await api.get(path)).status).toBe(404);
      expect((await api.get(`/v2/pools/${pool}`)).body.flavor).toBeNull();
    });

    it('answers 204 for a flavor never created, as Zaqar', async () => {
      expect((await admin().delete(flavorPath(randomUUID()))).status).toBe(204);
    });
  });

  describe('U+0000, which PostgreSQL text cannot hold', () => {
    it('a name holding it is refused on PUT, not found on GET and PATCH, deleted already on DELETE', async () => {
      const { api, pool } = await registered();
      const path = flavorPath('f%00x');
      const put = await api.put(path, { json: { pool_list: [pool] } });
      expect(put.status).toBe(400);
      expect(put.body).toEqual(error('Invalid name', 'Flavor names may not contain U+0000'));
      expect((await api.get(path)).status).toBe(404);
      expect((await api.patch(path, { json: { pool_list: [pool] } })).status).toBe(404);
      expect((await api.delete(path)).status).toBe(204);
    });

    it('a pool_list naming a pool that holds it is refused as a pool that does not exist', async () => {
      const res = await admin().put(flavorPath(randomUUID()), { json: { pool_list: ['p\u0000'] } });
      expect(res.status).toBe(400);
      expect(res.body.title).toBe('Unable to create');
    });

    it('a listing marker holding it lists the flavors after the text before it', async () => {
      const { api, name } = await registered();
      const res = await api.get(`/v2/flavors?marker=${name.slice(0, 7)}%00zz&limit=20`);
      expect(res.status).toBe(200);
      expect(res.body.flavors.map((flavor: { name: string }) => flavor.name)).toContain(name);
    });
  });

  describe('queues', () => {
    it('creates a queue of the flavor (test_queue_create_works)', async () => {
      const { api, name } = await registered();
      const res = await api.put('/v2/queues/test-queue', { json: { _flavor: name } });
      expect(res.status).toBe(201);
    });

    it('refuses a queue of a flavor deleted (test_queue_create_no_flavor)', async () => {
      const { api, name, path } = await registered();
      expect((await api.delete(path)).status).toBe(204);
      const res = await api.put('/v2/queues/test-queue', { json: { _flavor: name } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(error('Invalid API request', `Flavor ${name} does not exist`));
    });
  });

  describe('policy and projects', () => {
    it('lets any caller read flavors, and only an admin write them (403 otherwise)', async () => {
      const { api, name, pool, path } = await registered();
      const member = api.withRoles('member');
      const listed = await member.get('/v2/flavors');
      expect(listed.status).toBe(200);
      expect(listed.body.flavors).toEqual([{ name, href: path, pool_list: [pool] }]);
      const got = await member.get(path);
      expect([got.status, got.body]).toEqual([
        200,
        { name, capabilities: CAPABILITIES, pool_list: [pool], href: path },
      ]);
      const tries: Array<[string, string, Promise<{ status: number; body: unknown }>]> = [
        ['PUT', 'flavors:create', member.put(flavorPath(randomUUID()), { json: { pool_list: [pool] } })],
        ['PATCH', 'flavors:update', member.patch(path, { json: { pool_list: [pool] } })],
        ['DELETE', 'flavors:delete', member.delete(path)],
      ];
      for (const [method, action, reply] of tries) {
        const res = await reply;
        expect([method, res.status, res.body]).toEqual([
          method,
          403,
          error('Not authorized', `${action} is disallowed by policy.`),
        ]);
      }
      expect((await api.get(path)).status).toBe(200);
    });

    it('keeps a flavor to its project: another neither lists nor gets it, and its DELETE leaves it', async () => {
      const { api, name, pool, path } = await registered();
      const stranger = api.otherProject().withRoles('admin');
      expect((await stranger.get('/v2/flavors')).body).toEqual({ flavors: [], links: [] });
      const got = await stranger.get(path);
      expect([got.status, got.body]).toEqual([404, error('Not found', `Flavor ${name} does not exist`)]);
      expect((await stranger.delete(path)).status).toBe(204);
      expect((await api.get(path)).body.pool_list).toEqual([pool]);
    });
  });

  describe('listings', () => {
    // Registering a pool opens its store, the slow part: the listings share theirs, which deleting a
    // test's flavors frees for the next.
    let shared: string[] = [];
    beforeAll(async () => {
      shared = await addPools(admin(), 15);
    });

    /** Zaqar's flavors() helper: flavors named 0..count-1, each of a pool of its own, removed after. */
    async function withFlavors(count: number, test: (api: ZaqarClient, pools: string[]) => Promise<void>) {
      const api = admin();
      const pools = shared.slice(0, count);
      const created = await Promise.all(
        pools.map((pool, i) => api.put(flavorPath(String(i)), { json: { pool_list: [pool] } })),
      );
      expect(created.map((res) => res.status)).toEqual(pools.map(() => 201));
      try {
        await test(api, pools);
      } finally {
        await Promise.all(pools.map((_pool, i) => api.delete(flavorPath(String(i)))));
      }
    }

    /** A listed flavor as the helper made it: its name tells which pool it has. */
    function flavorEntry(name: string, pools: string[], detailed: boolean) {
      return {
        name,
        href: flavorPath(name),
        pool_list: [pools[Number(name)]],
        ...(detailed ? { capabilities: CAPABILITIES } : {}),
      };
    }

    /** The names a listing of `count` flavors gives, in order: as strings, 10 before 2. */
    const sortedNames = (count: number) => Array.from({ length: count }, (_, i) => String(i)).sort();

    it('an empty listing has no flavors and no links (test_empty_listing)', async () => {
      const res = await admin().get('/v2/flavors');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ flavors: [], links: [] });
    });

    async function listingTest(count: number, limit: number, detailed: boolean) {
      await withFlavors(count, async (api, pools) => {
        const names = sortedNames(count);
        const first = await api.get(`/v2/flavors?limit=${limit}&detailed=${detailed}`);
        expect(first.status).toBe(200);
        expect(first.body.flavors).toEqual(names.slice(0, limit).map((name) => flavorEntry(name, pools, detailed)));
        // Zaqar sets the marker before it adds detailed
        const marker = names[Math.min(limit, count) - 1];
        expect(first.body.links).toEqual([
          { rel: 'next', href: `/v2/flavors?limit=${limit}&marker=${marker}&detailed=${detailed}` },
        ]);

        const next = await api.get(first.body.links[0].href);
        expect(next.status).toBe(200);
        expect(next.body.flavors).toEqual(
          names.slice(limit, 2 * limit).map((name) => flavorEntry(name, pools, detailed)),
        );
        expect(next.body).toHaveProperty('links');
      });
    }

    it('lists ten flavors and links the next page (test_listing_works)', () => listingTest(10, 10, false));

    it('shows the capabilities of each in detail (test_detailed_listing_works)', () => listingTest(10, 10, true));

    it.each([1, 5, 10, 15])('pages fifteen flavors %p at a time (test_listing_works_with_limit)', (limit) =>
      listingTest(15, limit, false),
    );

    it('lists the flavors after the marker (test_listing_marker_is_respected)', async () => {
      await withFlavors(10, async (api, pools) => {
        const res = await api.get('/v2/flavors?marker=3');
        expect(res.status).toBe(200);
        expect(res.body.flavors).toEqual(['4', '5', '6', '7', '8', '9'].map((name) => flavorEntry(name, pools, false)));
        expect(res.body.links).toEqual([{ rel: 'next', href: '/v2/flavors?marker=9' }]);
      });
    });

    it('pages through every flavor once, following the next links in detail', async () => {
      await withFlavors(15, async (api, pools) => {
        const seen: unknown[] = [];
        const sizes: number[] = [];
        let href = '/v2/flavors?limit=4&detailed=true';
        for (;;) {
          const page = await api.get(href);
          expect(page.status).toBe(200);
          sizes.push(page.body.flavors.length);
          if (!page.body.flavors.length) break;
          seen.push(...page.body.flavors);
          href = page.body.links[0].href;
          expect(parseHref(href).query).toEqual({ marker: expect.any(String), limit: '4', detailed: 'true' });
        }
        expect(sizes).toEqual([4, 4, 4, 3, 0]);
        expect(seen).toEqual(sortedNames(15).map((name) => flavorEntry(name, pools, true)));
      });
    });

    it('refuses a limit below 1 or above max_flavors_per_page (test_listing_error_with_invalid_limit)', async () => {
      await expectListingLimitsRefused(admin(), '/v2/flavors');
    });
  });
});

describe('flavors with pooling off', () => {
  const running = serversOnFreshStore(sqliteBackend);

  it('/v2/flavors is an unknown resource (404), as in Zaqar', async () => {
    const api = new ZaqarClient(running.server.url).withRoles('admin');
    const listed = await api.get('/v2/flavors');
    expect(listed.status).toBe(404);
    expect(listed.body).toEqual(error('404 Not Found', 'The resource /v2/flavors does not exist.'));
    const put = await api.put('/v2/flavors/f', { json: { pool_list: ['p'] } });
    expect(put.status).toBe(404);
    expect(put.body).toEqual(error('404 Not Found', 'The resource /v2/flavors/f does not exist.'));
  });
});
