import { anAge, error, parseHref, unknownId } from './fixtures';
import { describeTargets } from './target';

const INVALID = 'Invalid API request';
const SUBSCRIBER_TYPES =
  "The subscriber type of subscription must be supported in the list ['http', 'https', 'mailto', 'trust+http', 'trust+https'].";
const DUPLICATE = 'Such subscription already exists.Subscriptions are unique by project + queue + subscriber URI.';
const TAKEN = 'Such subscription already exists. Subscriptions are unique by project + queue + subscriber URI.';
const HOOK = 'http://127.0.0.1:9/hook';

describeTargets('subscriptions', (target) => {
  describe('creating', () => {
    it('answers 201 with the id and a Location, and the subscription reads back as Zaqar shows it', async () => {
      const api = target.client();
      const res = await api.post('/v2/queues/jobs/subscriptions', {
        json: { subscriber: HOOK, ttl: 600, options: { post_headers: { 'X-A': 'b' } } },
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBe('/v2/queues/jobs/subscriptions');
      const id = res.body.subscription_id;
      const got = await api.get(`/v2/queues/jobs/subscriptions/${id}`);
      expect(got.status).toBe(200);
      expect(got.body).toEqual({
        id,
        source: 'jobs',
        subscriber: HOOK,
        ttl: 600,
        age: anAge(),
        options: { post_headers: { 'X-A': 'b' } },
        confirmed: false,
      });
    });

    // Beyond the reference: the key of the webhook signatures, shown once.
    target.itOurs('the create that makes a subscription shows its signing secret once; a repeat does not', async () => {
      const api = target.client();
      const first = await api.post('/v2/queues/jobs/subscriptions', { json: { subscriber: HOOK } });
      expect(first.body).toEqual({
        subscription_id: expect.any(String),
        signing_secret: expect.stringMatching(/^[\w-]{43}$/),
      });
      const again = await api.post('/v2/queues/jobs/subscriptions', { json: { subscriber: HOOK } });
      expect(again.body).toEqual({ subscription_id: first.body.subscription_id });
      const listed = await api.get('/v2/queues/jobs/subscriptions');
      expect(JSON.stringify(listed.body)).not.toContain(first.body.signing_secret);
    });

    it('creates the queue it subscribes to, as Zaqar does', async () => {
      const api = target.client();
      await api.subscribe('fresh', { subscriber: HOOK });
      expect((await api.get('/v2/queues/fresh')).status).toBe(200);
    });

    it('takes default_subscription_ttl and empty options when the body leaves them out', async () => {
      const api = target.client();
      const id = await api.subscribe('jobs', { subscriber: 'mailto:ops@example.com' });
      const got = await api.get(`/v2/queues/jobs/subscriptions/${id}`);
      expect(got.body).toMatchObject({ ttl: 3600, options: {}, subscriber: 'mailto:ops@example.com' });
    });

    it('the same subscriber again answers 201 with the same id while it is unconfirmed, 409 once confirmed', async () => {
      const api = target.client();
      const id = await api.subscribe('jobs', { subscriber: HOOK });
      expect(await api.subscribe('jobs', { subscriber: HOOK, ttl: 9999 })).toBe(id);
      expect((await api.get(`/v2/queues/jobs/subscriptions/${id}`)).body.ttl).toBe(3600);
      await api.put(`/v2/queues/jobs/subscriptions/${id}/confirm`, { json: { confirmed: true } });
      const again = await api.post('/v2/queues/jobs/subscriptions', { json: { subscriber: HOOK } });
      expect(again.status).toBe(409);
      expect(again.body).toEqual(error('Resource conflict', DUPLICATE));
      expect(again.headers.get('location')).toBe('/v2/queues/jobs/subscriptions');
    });

    it('one subscriber may subscribe to two queues, and two projects to one queue name', async () => {
      const api = target.client();
      const a = await api.subscribe('a', { subscriber: HOOK });
      const b = await api.subscribe('b', { subscriber: HOOK });
      const other = await api.otherProject().subscribe('a', { subscriber: HOOK });
      expect(new Set([a, b, other]).size).toBe(3);
    });

    it.each([
      ['no body', undefined, 'Missing parameter subscriber in body.'],
      ['an empty object', {}, 'Missing parameter subscriber in body.'],
      ['no subscriber', { ttl: 3600 }, 'Missing parameter subscriber in body.'],
      ['a subscriber without a scheme', { subscriber: 'fake' }, SUBSCRIBER_TYPES],
      ['an unsupported scheme', { subscriber: 'email://fake' }, SUBSCRIBER_TYPES],
      ['options that are not an object', { subscriber: HOOK, options: 'x' }, 'Options must be a dict.'],
      ['a ttl given as a string', { subscriber: HOOK, ttl: '123' }, 'TTL must be an integer.'],
      ['a fractional ttl', { subscriber: HOOK, ttl: 120.5 }, 'TTL must be an integer.'],
      ['a ttl under 60', { subscriber: HOOK, ttl: 30 }, 'The TTL for a subscription must be at least 60 seconds long.'],
      [
        'a ttl past the year 9999',
        { subscriber: HOOK, ttl: 99999999999999 },
        'The TTL seconds for a subscription plus current time must be less than 9999-12-31 23:59:59.999999.',
      ],
    ])('%s answers 400', async (_what, json, description) => {
      const res = await target.client().post('/v2/queues/jobs/subscriptions', json === undefined ? {} : { json });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(error(INVALID, description));
    });

    // The reference answers 503 to these: its validation indexes a list and parses a number as a URI.
    target.itOurs.each([
      ['an array', [], 'Subscriptions must be a dict.'],
      ['a subscriber that is a number', { subscriber: 5 }, SUBSCRIBER_TYPES],
      ['an empty subscriber', { subscriber: '' }, SUBSCRIBER_TYPES],
    ])('%s answers 400', async (_what, json, description) => {
      const res = await target.client().post('/v2/queues/jobs/subscriptions', { json });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(error(INVALID, description));
    });

    it.each([
      [{ minimum_delay: 'x' }, 'Retry policy: minimum_delay must be a integer.'],
      [{ minimum_delay: 20, maximum_delay: 10 }, 'minimum_delay must less than maximum_delay.'],
      [{ retry_backoff_function: 'cubic' }, 'invalid retry_backoff_function.'],
      ['x', 'retry_policy must be a dict.'],
    ])('a retry policy %j in the options answers 400', async (policy, description) => {
      const json = { subscriber: HOOK, options: { _retry_policy: policy } };
      const res = await target.client().post('/v2/queues/jobs/subscriptions', { json });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(error(INVALID, description));
    });

    it('a queue whose _retry_policy breaks the rules is refused with the same texts', async () => {
      const res = await target.client().put('/v2/queues/retrying', {
        json: { _retry_policy: { retry_backoff_function: 'cubic' } },
      });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(error(INVALID, 'invalid retry_backoff_function.'));
    });

    it('a body that does not parse answers 400', async () => {
      const res = await target.client().post('/v2/queues/jobs/subscriptions', { raw: '{"subscriber": ' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(error('Invalid request body', 'Request body could not be parsed.'));
    });

    it('a bad queue name answers 400 before anything is created', async () => {
      const res = await target.client().post('/v2/queues/bad$name/subscriptions', { json: { subscriber: HOOK } });
      expect(res.status).toBe(400);
    });
  });

  describe('listing', () => {
    it('lists in creation order, pages with marker and limit, and the next link carries both', async () => {
      const api = target.client();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push(await api.subscribe('jobs', { subscriber: `${HOOK}/${i}` }));
      const first = await api.get('/v2/queues/jobs/subscriptions', { query: { limit: 2 } });
      expect(first.status).toBe(200);
      const listedFirst = first.body.subscriptions.map((s: { id: string }) => s.id);
      expect(new Set(listedFirst).size).toBe(2);
      expect(first.body.links).toHaveLength(1);
      const next = parseHref(first.body.links[0].href);
      expect(next).toEqual({
        path: '/v2/queues/jobs/subscriptions',
        query: { limit: '2', marker: listedFirst[1] },
      });
      const second = await api.get(first.body.links[0].href);
      const listedSecond = second.body.subscriptions.map((s: { id: string }) => s.id);
      expect([...listedFirst, ...listedSecond].sort()).toEqual([...ids].sort());
      const third = await api.get(second.body.links[0].href);
      expect(third.body).toEqual({ subscriptions: [], links: [] });
    });

    it('a queue with no subscriptions, or none at all, lists nothing with 200', async () => {
      const api = target.client();
      await api.createQueue('quiet');
      for (const queue of ['quiet', 'nowhere']) {
        const res = await api.get(`/v2/queues/${queue}/subscriptions`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ subscriptions: [], links: [] });
      }
    });

    it.each([0, 21, -1])('limit %p answers 400', async (limit) => {
      const res = await target.client().get('/v2/queues/jobs/subscriptions', { query: { limit } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(error(INVALID, 'Limit must be at least 1 and may not be greater than 20.'));
    });

    it('a limit that is not an integer answers 400', async () => {
      const res = await target.client().get('/v2/queues/jobs/subscriptions', { query: { limit: 'x' } });
      expect(res.status).toBe(400);
      expect(res.body.title).toBe('Invalid parameter');
    });
  });

  describe('reading, updating, confirming and deleting', () => {
    it('an unknown or malformed id answers 404 on get, update and confirm, and 204 on delete', async () => {
      const api = target.client();
      await api.subscribe('jobs', { subscriber: HOOK });
      for (const id of [unknownId(1), 'nope']) {
        const path = `/v2/queues/jobs/subscriptions/${id}`;
        const notFound = error('Not found', `Subscription ${id} does not exist`);
        expect(await api.get(path)).toMatchObject({ status: 404, body: notFound });
        expect(await api.patch(path, { json: { ttl: 7200 } })).toMatchObject({ status: 404, body: notFound });
        expect(await api.put(`${path}/confirm`, { json: { confirmed: true } })).toMatchObject({
          status: 404,
          body: notFound,
        });
        expect((await api.delete(path)).status).toBe(204);
      }
    });

    it('PATCH sets ttl, options and subscriber, answers 204 with a Location, and restarts the age', async () => {
      const api = target.client();
      const id = await api.subscribe('jobs', { subscriber: HOOK, options: { a: 1 } });
      const path = `/v2/queues/jobs/subscriptions/${id}`;
      const res = await api.patch(path, { json: { ttl: 7200, options: { b: 2 }, subscriber: `${HOOK}/new` } });
      expect(res.status).toBe(204);
      expect(res.headers.get('location')).toBe(path);
      expect((await api.get(path)).body).toMatchObject({
        id,
        ttl: 7200,
        age: 0,
        options: { b: 2 },
        subscriber: `${HOOK}/new`,
      });
    });

    it('a ttl past what a 32-bit integer holds is kept, on create and on PATCH', async () => {
      const api = target.client();
      const id = await api.subscribe('jobs', { subscriber: HOOK, ttl: 2 ** 31 });
      const path = `/v2/queues/jobs/subscriptions/${id}`;
      expect((await api.get(path)).body.ttl).toBe(2 ** 31);
      expect((await api.patch(path, { json: { ttl: 2 ** 33 } })).status).toBe(204);
      expect((await api.get(path)).body.ttl).toBe(2 ** 33);
    });

    it('PATCH to a subscriber the queue already has answers 409', async () => {
      const api = target.client();
      await api.subscribe('jobs', { subscriber: HOOK });
      const id = await api.subscribe('jobs', { subscriber: `${HOOK}/2` });
      const res = await api.patch(`/v2/queues/jobs/subscriptions/${id}`, { json: { subscriber: HOOK } });
      expect(res.status).toBe(409);
      expect(res.body).toEqual(error('Resource conflict', TAKEN));
    });

    it.each([
      ['an empty body', {}, error(INVALID, 'No subscription to create.')],
      ['a ttl under 60', { ttl: 50 }, error(INVALID, 'The TTL for a subscription must be at least 60 seconds long.')],
      ['a bad scheme', { subscriber: 'ftp://x' }, error(INVALID, SUBSCRIBER_TYPES)],
    ])('PATCH with %s answers 400', async (_what, json, body) => {
      const api = target.client();
      const id = await api.subscribe('jobs', { subscriber: HOOK });
      const res = await api.patch(`/v2/queues/jobs/subscriptions/${id}`, { json });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(body);
    });

    it('PATCH with only unknown fields answers 400 Unable to update subscription', async () => {
      const api = target.client();
      const id = await api.subscribe('jobs', { subscriber: HOOK });
      const res = await api.patch(`/v2/queues/jobs/subscriptions/${id}`, { json: { foo: 1 } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(error('Unable to update subscription', `Subscription ${id} could not be updated.`));
    });

    it('confirming sets confirmed, answers 204 with a Location, and refuses a confirmed that is not a boolean', async () => {
      const api = target.client();
      const id = await api.subscribe('jobs', { subscriber: HOOK });
      const path = `/v2/queues/jobs/subscriptions/${id}/confirm`;
      const bad = await api.put(path, { json: { confirmed: 'yes' } });
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual(error(INVALID, "The 'confirmed' should be boolean."));
      const res = await api.put(path, { json: { confirmed: true } });
      expect(res.status).toBe(204);
      expect(res.headers.get('location')).toBe(path);
      expect((await api.get(`/v2/queues/jobs/subscriptions/${id}`)).body.confirmed).toBe(true);
      await api.put(path, { json: { confirmed: false } });
      expect((await api.get(`/v2/queues/jobs/subscriptions/${id}`)).body.confirmed).toBe(false);
    });

    it('deleting answers 204 and the subscription is gone', async () => {
      const api = target.client();
      const id = await api.subscribe('jobs', { subscriber: HOOK });
      expect((await api.delete(`/v2/queues/jobs/subscriptions/${id}`)).status).toBe(204);
      expect((await api.get(`/v2/queues/jobs/subscriptions/${id}`)).status).toBe(404);
    });
  });

  describe('scope', () => {
    it("another project sees, changes and deletes nothing of a project's subscriptions", async () => {
      const api = target.client();
      const id = await api.subscribe('jobs', { subscriber: HOOK });
      const other = api.otherProject();
      const path = `/v2/queues/jobs/subscriptions/${id}`;
      expect((await other.get(path)).status).toBe(404);
      expect((await other.patch(path, { json: { ttl: 7200 } })).status).toBe(404);
      expect((await other.put(`${path}/confirm`, { json: { confirmed: true } })).status).toBe(404);
      expect((await other.get('/v2/queues/jobs/subscriptions')).body.subscriptions).toEqual([]);
      expect((await other.delete(path)).status).toBe(204);
      expect((await api.get(path)).body).toMatchObject({ id, ttl: 3600, confirmed: false });
    });

    it('a subscription is found only through its own queue', async () => {
      const api = target.client();
      const id = await api.subscribe('jobs', { subscriber: HOOK });
      await api.createQueue('other');
      expect((await api.get(`/v2/queues/other/subscriptions/${id}`)).status).toBe(404);
    });

    it('a missing Client-ID answers 400', async () => {
      const res = await target.client().post('/v2/queues/jobs/subscriptions', {
        json: { subscriber: HOOK },
        headers: { 'Client-ID': null },
      });
      expect(res.status).toBe(400);
    });
  });

  describe('with the queue', () => {
    it('purging subscriptions removes them and leaves the messages; purging messages leaves them', async () => {
      const api = target.client();
      const id = await api.subscribe('jobs', { subscriber: HOOK });
      await api.postMessages('jobs', [{ body: 'kept' }]);
      const messagesOnly = await api.post('/v2/queues/jobs/purge', { json: { resource_types: ['messages'] } });
      expect(messagesOnly.status).toBe(204);
      expect((await api.get(`/v2/queues/jobs/subscriptions/${id}`)).status).toBe(200);
      await api.postMessages('jobs', [{ body: 'kept' }]);
      const res = await api.post('/v2/queues/jobs/purge', { json: { resource_types: ['subscriptions'] } });
      expect(res.status).toBe(204);
      expect((await api.get('/v2/queues/jobs/subscriptions')).body.subscriptions).toEqual([]);
      expect((await api.get('/v2/queues/jobs/stats')).body.messages.total).toBe(1);
    });

    // The reference leaves a deleted queue's subscriptions behind, and they come back with the queue.
    target.itOurs('deleting the queue ends its subscriptions', async () => {
      const api = target.client();
      await api.subscribe('jobs', { subscriber: HOOK });
      expect((await api.delete('/v2/queues/jobs')).status).toBe(204);
      expect((await api.get('/v2/queues/jobs/subscriptions')).body).toEqual({ subscriptions: [], links: [] });
    });
  });
});
