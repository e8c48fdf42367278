import { lastSegment } from './client';
import { anAge, error, numbered, unknownId } from './fixtures';
import { describeTargets } from './target';

/** A claimed message as claim responses show it. */
function claimed(queue: string, id: string, body: unknown, claimId: string, ttl = 3600) {
  return { id, href: `/v2/queues/${queue}/messages/${id}?claim_id=${claimId}`, ttl, age: anAge(), body };
}

const CLAIM_TTL_RANGE = 'The TTL for a claim may not exceed 43200 seconds, and must be at least 60 seconds long.';
const GRACE_RANGE = 'The grace for a claim may not exceed 43200 seconds, and must be at least 60 seconds long.';
const LIMIT_RANGE = 'Limit must be at least 1 and may not be greater than 20.';

describeTargets('claims', (target) => {
  describe('creating a claim', () => {
    it('claiming answers 201 with a Location and the claimed messages, whose hrefs carry the claim id', async () => {
      const api = target.client();
      const ids = await api.postMessages('jobs', [{ body: 'a' }, { body: 'b', ttl: 600 }]);
      const res = await api.post('/v2/queues/jobs/claims', { json: { ttl: 120, grace: 60 } });
      expect(res.status).toBe(201);
      const location = res.headers.get('location')!;
      expect(location).toMatch(/^\/v2\/queues\/jobs\/claims\/[^/?]+$/);
      const claimId = lastSegment(location);
      expect(res.body).toEqual({
        messages: [claimed('jobs', ids[0], 'a', claimId), claimed('jobs', ids[1], 'b', claimId, 600)],
      });
    });

    it('a claim takes 10 messages unless limit says otherwise', async () => {
      const api = target.client();
      const ids = await api.postMessages('jobs', numbered(15));
      const first = await api.claim('jobs', {});
      expect(first.messages.map((m) => m.id)).toEqual(ids.slice(0, 10));
      const rest = await api.claim('jobs', {}, 20);
      expect(rest.messages.map((m) => m.id)).toEqual(ids.slice(10));
    });

    it('limit bounds the number of messages claimed', async () => {
      const api = target.client();
      const ids = await api.postMessages('jobs', numbered(5));
      const { messages } = await api.claim('jobs', { ttl: 60, grace: 60 }, 2);
      expect(messages.map((m) => m.id)).toEqual(ids.slice(0, 2));
    });

    it('claiming an empty queue answers 204 with no body', async () => {
      const api = target.client();
      await api.createQueue('idle');
      const res = await api.post('/v2/queues/idle/claims', { json: { ttl: 60, grace: 60 } });
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect(res.headers.get('location')).toBeNull();
    });

    it('claiming a queue that does not exist answers 204', async () => {
      const res = await target.client().post('/v2/queues/nowhere/claims', { json: {} });
      expect(res.status).toBe(204);
    });

    it('claiming when every message is already claimed answers 204', async () => {
      const api = target.client();
      await api.postMessages('jobs', numbered(2));
      await api.claim('jobs');
      const res = await api.post('/v2/queues/jobs/claims', { json: {} });
      expect(res.status).toBe(204);
    });

    it('a claim without a body gets ttl 300 (grace 60)', async () => {
      const api = target.client();
      await api.postMessages('jobs', numbered(1));
      const res = await api.post('/v2/queues/jobs/claims');
      expect(res.status).toBe(201);
      const claim = await api.get(res.headers.get('location')!);
      expect(claim.body.ttl).toBe(300);
    });

    it('an empty claim document gets the same defaults', async () => {
      const api = target.client();
      await api.postMessages('jobs', numbered(1));
      const { claimId } = await api.claim('jobs', {});
      expect((await api.get(`/v2/queues/jobs/claims/${claimId}`)).body.ttl).toBe(300);
    });

    it('the claim ttl and grace may range from 60 to 43200 s', async () => {
      const api = target.client();
      await api.postMessages('jobs', numbered(2));
      expect((await api.claim('jobs', { ttl: 60, grace: 60 }, 1)).claimId).not.toBeNull();
      expect((await api.claim('jobs', { ttl: 43200, grace: 43200 }, 1)).claimId).not.toBeNull();
    });

    it.each([
      [{ ttl: 59 }, CLAIM_TTL_RANGE],
      [{ ttl: 43201 }, CLAIM_TTL_RANGE],
      [{ ttl: 0, grace: 60 }, CLAIM_TTL_RANGE],
      [{ ttl: 60, grace: 59 }, GRACE_RANGE],
      [{ grace: 0 }, GRACE_RANGE],
      [{ ttl: 60, grace: 43201 }, GRACE_RANGE],
    ])('claim %j answers 400 and claims nothing', async (meta, description) => {
      const api = target.client();
      await api.postMessages('jobs', numbered(1));
      const res = await api.post('/v2/queues/jobs/claims', { json: meta });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(error('Invalid API request', description));
      expect((await api.get('/v2/queues/jobs/stats')).body.messages).toMatchObject({ claimed: 0, free: 1 });
    });

    it.each([0, 21, -1])('limit=%d answers 400', async (limit) => {
      const api = target.client();
      await api.postMessages('jobs', numbered(1));
      const res = await api.post('/v2/queues/jobs/claims', { json: {}, query: { limit } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(error('Invalid API request', LIMIT_RANGE));
    });

    it('a limit that is not a number answers 400', async () => {
      const res = await target.client().post('/v2/queues/jobs/claims', { json: {}, query: { limit: 'ten' } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(
        error('Invalid parameter', 'The "limit" parameter is invalid. The value must be an integer.'),
      );
    });

    it('a claim extends the ttl of messages that would expire before the claim and its grace end', async () => {
      const api = target.client();
      const ids = await api.postMessages('jobs', [
        { body: 'short', ttl: 60 },
        { body: 'long', ttl: 3600 },
      ]);
      const res = await api.post('/v2/queues/jobs/claims', { json: { ttl: 100, grace: 60 } });
      const claimId = lastSegment(res.headers.get('location')!);
      expect(res.body.messages).toEqual([
        claimed('jobs', ids[0], 'short', claimId, 160),
        claimed('jobs', ids[1], 'long', claimId, 3600),
      ]);
      expect((await api.get(`/v2/queues/jobs/messages/${ids[0]}`)).body.ttl).toBe(160);
    });
  });

  describe('workers and claims', () => {
    it("claimed messages are hidden from another worker's claim", async () => {
      const producer = target.client();
      const ids = await producer.postMessages('jobs', numbered(4));
      const workerA = producer.worker();
      const workerB = producer.worker();
      const a = await workerA.claim('jobs', { ttl: 300, grace: 60 }, 3);
      const b = await workerB.claim('jobs', { ttl: 300, grace: 60 }, 3);
      expect(a.messages.map((m) => m.id)).toEqual(ids.slice(0, 3));
      expect(b.messages.map((m) => m.id)).toEqual([ids[3]]);
      expect((await workerB.post('/v2/queues/jobs/claims', { json: {} })).status).toBe(204);
    });

    it('a claimed message is shown with ?claim_id= when read by id', async () => {
      const api = target.client();
      const [id] = await api.postMessages('jobs', numbered(1));
      const { claimId } = await api.claim('jobs');
      const res = await api.get(`/v2/queues/jobs/messages/${id}`);
      expect(res.body.href).toBe(`/v2/queues/jobs/messages/${id}?claim_id=${claimId}`);
    });

    it('a claim is visible to every client of the project', async () => {
      const api = target.client();
      await api.postMessages('jobs', numbered(1));
      const { claimId } = await api.claim('jobs');
      const res = await api.worker().get(`/v2/queues/jobs/claims/${claimId}`);
      expect(res.status).toBe(200);
    });
  });

  describe('reading, renewing and releasing a claim', () => {
    it('GET a claim returns its age, ttl, messages and href', async () => {
      const api = target.client();
      const ids = await api.postMessages('jobs', [{ body: 1 }, { body: 2 }]);
      const { claimId } = await api.claim('jobs', { ttl: 120, grace: 60 });
      const res = await api.get(`/v2/queues/jobs/claims/${claimId}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        age: anAge(),
        ttl: 120,
        messages: [claimed('jobs', ids[0], 1, claimId!), claimed('jobs', ids[1], 2, claimId!)],
        href: `/v2/queues/jobs/claims/${claimId}`,
      });
    });

    it('GET a claim that does not exist answers 404', async () => {
      const api = target.client();
      await api.postMessages('jobs', numbered(1));
      const res = await api.get(`/v2/queues/jobs/claims/${unknownId(1)}`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(
        error('Not found', `Claim ${unknownId(1)} does not exist in queue jobs for project ${api.project}`),
      );
    });

    it('GET a claim id that is not a UUID answers 404', async () => {
      const api = target.client();
      await api.createQueue('jobs');
      const res = await api.get('/v2/queues/jobs/claims/not-a-claim');
      expect(res.status).toBe(404);
      expect(res.body).toEqual(
        error('Not found', `Claim not-a-claim does not exist in queue jobs for project ${api.project}`),
      );
    });

    it('GET a claim in a queue that does not exist answers 404', async () => {
      const api = target.client();
      const res = await api.get(`/v2/queues/nowhere/claims/${unknownId(2)}`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(
        error('Not found', `Claim ${unknownId(2)} does not exist in queue nowhere for project ${api.project}`),
      );
    });

    it('a claim id is only found in the queue it was made in', async () => {
      const api = target.client();
      await api.postMessages('jobs', numbered(1));
      await api.createQueue('other');
      const { claimId } = await api.claim('jobs');
      const res = await api.get(`/v2/queues/other/claims/${claimId}`);
      expect(res.status).toBe(404);
    });

    it('PATCH renews a claim: 204, then GET shows the new ttl and a fresh age', async () => {
      const api = target.client();
      await api.postMessages('jobs', numbered(1));
      const { claimId } = await api.claim('jobs', { ttl: 60, grace: 60 });
      const res = await api.patch(`/v2/queues/jobs/claims/${claimId}`, { json: { ttl: 600, grace: 120 } });
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      const claim = await api.get(`/v2/queues/jobs/claims/${claimId}`);
      expect(claim.body).toMatchObject({ ttl: 600, age: anAge(2) });
    });

    it('renewing extends the ttl of claimed messages that would expire before the claim ends', async () => {
      const api = target.client();
      const [id] = await api.postMessages('jobs', [{ body: 1, ttl: 100 }]);
      const { claimId } = await api.claim('jobs', { ttl: 60, grace: 60 });
      await api.patch(`/v2/queues/jobs/claims/${claimId}`, { json: { ttl: 200, grace: 100 } });
      const claim = await api.get(`/v2/queues/jobs/claims/${claimId}`);
      expect(claim.body.messages).toEqual([claimed('jobs', id, 1, claimId!, 300)]);
    });

    it('PATCH with only a ttl is accepted', async () => {
      const api = target.client();
      await api.postMessages('jobs', numbered(1));
      const { claimId } = await api.claim('jobs');
      const res = await api.patch(`/v2/queues/jobs/claims/${claimId}`, { json: { ttl: 120 } });
      expect(res.status).toBe(204);
      expect((await api.get(`/v2/queues/jobs/claims/${claimId}`)).body.ttl).toBe(120);
    });

    it.each([59, 43201])('PATCH with ttl %d answers 400', async (ttl) => {
      const api = target.client();
      await api.postMessages('jobs', numbered(1));
      const { claimId } = await api.claim('jobs');
      const res = await api.patch(`/v2/queues/jobs/claims/${claimId}`, { json: { ttl } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(error('Invalid API request', CLAIM_TTL_RANGE));
      expect((await api.get(`/v2/queues/jobs/claims/${claimId}`)).body.ttl).toBe(300);
    });

    it.each([43201, 2 ** 53, 1e300])(
      'PATCH with grace %d answers 400 and leaves the claim as it was',
      async (grace) => {
        const api = target.client();
        await api.postMessages('jobs', numbered(1));
        const { claimId } = await api.claim('jobs');
        const res = await api.patch(`/v2/queues/jobs/claims/${claimId}`, { json: { ttl: 120, grace } });
        expect(res.status).toBe(400);
        expect(res.body).toEqual(error('Invalid API request', GRACE_RANGE));
        expect((await api.get(`/v2/queues/jobs/claims/${claimId}`)).body.ttl).toBe(300);
      },
    );

    it('PATCH with a grace under 60 is accepted, as Zaqar does', async () => {
      const api = target.client();
      await api.postMessages('jobs', numbered(1));
      const { claimId } = await api.claim('jobs');
      const res = await api.patch(`/v2/queues/jobs/claims/${claimId}`, { json: { ttl: 120, grace: -5 } });
      expect(res.status).toBe(204);
    });

    it('PATCH of a claim that does not exist answers 404', async () => {
      const api = target.client();
      await api.createQueue('jobs');
      const res = await api.patch(`/v2/queues/jobs/claims/${unknownId(3)}`, { json: { ttl: 120 } });
      expect(res.status).toBe(404);
      expect(res.body).toEqual(
        error('Not found', `Claim ${unknownId(3)} does not exist in queue jobs for project ${api.project}`),
      );
    });

    // fetch sends "Content-Length: 0" here; Zaqar then fails to parse rather than finding no body.
    it('PATCH with an empty body answers 400', async () => {
      const api = target.client();
      await api.postMessages('jobs', numbered(1));
      const { claimId } = await api.claim('jobs');
      const res = await api.patch(`/v2/queues/jobs/claims/${claimId}`, { raw: '' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(error('Invalid request body', 'Request body could not be parsed.'));
      expect((await api.get(`/v2/queues/jobs/claims/${claimId}`)).body.ttl).toBe(300);
    });

    it('DELETE releases a claim: 204, its messages are free and can be claimed again', async () => {
      const api = target.client();
      const ids = await api.postMessages('jobs', numbered(2));
      const { claimId } = await api.claim('jobs');
      const res = await api.delete(`/v2/queues/jobs/claims/${claimId}`);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');

      expect((await api.get('/v2/queues/jobs/stats')).body.messages).toMatchObject({ claimed: 0, free: 2, total: 2 });
      const message = await api.get(`/v2/queues/jobs/messages/${ids[0]}`);
      expect(message.body.href).toBe(`/v2/queues/jobs/messages/${ids[0]}`);
      const again = await api.worker().claim('jobs');
      expect(again.messages.map((m) => m.id)).toEqual(ids);
      expect(again.claimId).not.toBe(claimId);
    });

    it('a released claim is no longer found', async () => {
      const api = target.client();
      await api.postMessages('jobs', numbered(1));
      const { claimId } = await api.claim('jobs');
      await api.delete(`/v2/queues/jobs/claims/${claimId}`);
      expect((await api.get(`/v2/queues/jobs/claims/${claimId}`)).status).toBe(404);
      expect((await api.patch(`/v2/queues/jobs/claims/${claimId}`, { json: { ttl: 120 } })).status).toBe(404);
    });

    it('DELETE of a claim that does not exist answers 204', async () => {
      const api = target.client();
      await api.createQueue('jobs');
      expect((await api.delete(`/v2/queues/jobs/claims/${unknownId(4)}`)).status).toBe(204);
      expect((await api.delete(`/v2/queues/nowhere/claims/${unknownId(4)}`)).status).toBe(204);
    });

    // The reference keeps the claim record when its queue is deleted: after the queue is made again,
    // GET on the old claim answers 200 and PATCH 503.
    target.itOurs("a claim does not outlive its queue's deletion", async () => {
      const api = target.client();
      await api.postMessages('jobs', numbered(1));
      const { claimId } = await api.claim('jobs');
      await api.delete('/v2/queues/jobs');
      await api.createQueue('jobs');
      expect((await api.get(`/v2/queues/jobs/claims/${claimId}`)).status).toBe(404);
      expect((await api.patch(`/v2/queues/jobs/claims/${claimId}`, { json: { ttl: 120 } })).status).toBe(404);
      expect((await api.delete(`/v2/queues/jobs/claims/${claimId}`)).status).toBe(204);
    });

    it('a claim whose messages were all deleted still reads, with no messages', async () => {
      const api = target.client();
      const ids = await api.postMessages('jobs', numbered(1));
      const { claimId } = await api.claim('jobs');
      await api.delete(`/v2/queues/jobs/messages/${ids[0]}`, { query: { claim_id: claimId! } });
      const res = await api.get(`/v2/queues/jobs/claims/${claimId}`);
      expect(res.status).toBe(200);
      expect(res.body.messages).toEqual([]);
    });
  });

  describe('dead letter queue', () => {
    const poisonQueue = { _max_claim_count: 1, _dead_letter_queue: 'graveyard', _dead_letter_queue_messages_ttl: 120 };

    it('a message is claimable _max_claim_count times; the next claim moves it to the dead letter queue', async () => {
      const api = target.client();
      await api.createQueue('work', poisonQueue);
      await api.createQueue('graveyard');
      const [id] = await api.postMessages('work', [{ body: 'poison', ttl: 600 }]);

      const first = await api.claim('work', { ttl: 60, grace: 60 });
      expect(first.messages.map((m) => m.id)).toEqual([id]);
      expect((await api.delete(`/v2/queues/work/claims/${first.claimId}`)).status).toBe(204);

      // The second claim finds the message over its claim count, moves it and has nothing to give.
      const second = await api.post('/v2/queues/work/claims', { json: { ttl: 60, grace: 60 } });
      expect(second.status).toBe(204);

      expect((await api.get('/v2/queues/work/stats')).body).toEqual({ messages: { claimed: 0, free: 0, total: 0 } });
      expect((await api.get('/v2/queues/work/messages', { query: { echo: true } })).body).toEqual({
        messages: [],
        links: [],
      });

      const stats = await api.get('/v2/queues/graveyard/stats');
      expect(stats.body.messages).toMatchObject({ claimed: 0, free: 1, total: 1 });
      expect(stats.body.messages.oldest).toMatchObject({
        href: `/v2/queues/graveyard/messages/${id}`,
        body: 'poison',
        ttl: 120,
      });

      // The message keeps its id and body and takes the dead letter ttl. (The reference leaves the
      // stale claim on it, so its href is not pinned here; see the next test.)
      const moved = await api.get(`/v2/queues/graveyard/messages/${id}`);
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ id, body: 'poison', ttl: 120 });
    });

    it('without _dead_letter_queue_messages_ttl a dead-lettered message keeps its ttl', async () => {
      const api = target.client();
      await api.createQueue('work', { _max_claim_count: 1, _dead_letter_queue: 'graveyard' });
      await api.createQueue('graveyard');
      const [id] = await api.postMessages('work', [{ body: 'poison', ttl: 600 }]);
      const first = await api.claim('work', { ttl: 60, grace: 60 });
      await api.delete(`/v2/queues/work/claims/${first.claimId}`);
      await api.post('/v2/queues/work/claims', { json: { ttl: 60, grace: 60 } });
      const moved = await api.get(`/v2/queues/graveyard/messages/${id}`);
      expect(moved.body).toMatchObject({ id, body: 'poison', ttl: 600 });
    });

    it.each([2 ** 31, 2 ** 53])(
      'a _max_claim_count of %d, past what the stores count, never moves a message',
      async (max) => {
        const api = target.client();
        await api.createQueue('work', { ...poisonQueue, _max_claim_count: max });
        const [id] = await api.postMessages('work', [{ body: 'retry' }]);
        const claim = await api.claim('work', { ttl: 60, grace: 60 });
        expect(claim.messages.map((m) => m.id)).toEqual([id]);
      },
    );

    it('a message claimed fewer times than _max_claim_count stays in its queue', async () => {
      const api = target.client();
      await api.createQueue('work', { ...poisonQueue, _max_claim_count: 2 });
      await api.createQueue('graveyard');
      const [id] = await api.postMessages('work', [{ body: 'retry' }]);
      for (let attempt = 0; attempt < 2; attempt++) {
        const claim = await api.claim('work', { ttl: 60, grace: 60 });
        expect(claim.messages.map((m) => m.id)).toEqual([id]);
        await api.delete(`/v2/queues/work/claims/${claim.claimId}`);
      }
      expect((await api.get('/v2/queues/graveyard/stats')).body.messages.total).toBe(0);
      expect((await api.post('/v2/queues/work/claims', { json: { ttl: 60, grace: 60 } })).status).toBe(204);
      expect((await api.get('/v2/queues/graveyard/stats')).body.messages.total).toBe(1);
    });

    it('only the messages over their claim count are moved; the rest are claimed as usual', async () => {
      const api = target.client();
      await api.createQueue('work', poisonQueue);
      await api.createQueue('graveyard');
      const [old] = await api.postMessages('work', [{ body: 'old' }]);
      const first = await api.claim('work', { ttl: 60, grace: 60 });
      await api.delete(`/v2/queues/work/claims/${first.claimId}`);
      const [fresh] = await api.postMessages('work', [{ body: 'fresh' }]);

      const second = await api.claim('work', { ttl: 60, grace: 60 });
      expect(second.messages.map((m) => m.id)).toEqual([fresh]);
      expect((await api.get(`/v2/queues/graveyard/messages/${old}`)).status).toBe(200);
    });

    // The reference moves the message with the claim that found it still attached, so for that
    // claim's ttl the message hides from the dead letter queue's listing and claims, and its href
    // carries a claim of another queue. Ours moves it free.
    target.itOurs('a dead-lettered message is at once listed and claimable in the dead letter queue', async () => {
      const api = target.client();
      await api.createQueue('work', poisonQueue);
      await api.createQueue('graveyard');
      const [id] = await api.postMessages('work', [{ body: 'poison', ttl: 600 }]);
      const first = await api.claim('work', { ttl: 60, grace: 60 });
      await api.delete(`/v2/queues/work/claims/${first.claimId}`);
      await api.post('/v2/queues/work/claims', { json: { ttl: 60, grace: 60 } });

      const listed = await api.get('/v2/queues/graveyard/messages', { query: { echo: true } });
      expect(listed.body.messages).toEqual([
        { id, href: `/v2/queues/graveyard/messages/${id}`, ttl: 120, age: anAge(), body: 'poison' },
      ]);
      const claim = await api.claim('graveyard');
      expect(claim.messages.map((m) => m.id)).toEqual([id]);
    });
  });
});
