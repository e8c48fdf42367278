import { BACKENDS } from '../support/backends';
import { serversOnFreshStore } from '../support/lifecycle';
import { WebhookReceiver } from '../support/webhook-receiver';
import { ZaqarClient } from './client';

describe.each(BACKENDS)('subscription filters [%s]', (_name, makeBackend) => {
  const running = serversOnFreshStore(makeBackend);
  let receiver: WebhookReceiver;
  let api: ZaqarClient;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });
  beforeEach(() => {
    api = new ZaqarClient(running.server.url);
  });
  afterAll(() => receiver.stop());

  const subscribe = (path: string, options: Record<string, unknown>) =>
    api.post('/v2/queues/filtered/subscriptions', { json: { subscriber: receiver.url(path), options } });

  it('a filtered subscriber gets only the messages whose body matches; an unfiltered one gets all', async () => {
    const filter = { kind: ['image'], size: [{ numeric: ['>=', 10, '<', 20] }], name: [{ prefix: 'img-' }] };
    expect((await subscribe('/images', { _filter: filter })).status).toBe(201);
    expect((await subscribe('/everything', {})).status).toBe(201);
    await api.postMessages('filtered', [
      { body: { kind: 'image', size: 12, name: 'img-1' } },
      { body: { kind: 'image', size: 25, name: 'img-2' } },
      { body: { kind: 'video', size: 12, name: 'img-3' } },
      { body: { kind: 'image', size: 15, name: 'doc-4' } },
      { body: 'not an object' },
      { body: { kind: ['image', 'thumb'], size: 19, name: 'img-6' } },
    ]);
    const everything = await receiver.waitFor('/everything', 6);
    expect(everything).toHaveLength(6);
    const images = await receiver.waitFor('/images', 2);
    // The unfiltered subscriber has had all six, so the filtered one's deliveries are settled too.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const names = receiver.at('/images').map((r) => (JSON.parse(r.body) as { body: { name: string } }).body.name);
    expect(names.sort()).toEqual(['img-1', 'img-6']);
    expect(images.every((r) => r.status === 200)).toBe(true);
  });

  it('a filter set by PATCH applies to the deliveries that follow', async () => {
    const created = await subscribe('/patched', {});
    const id = created.body.subscription_id as string;
    const patched = await api.patch(`/v2/queues/filtered/subscriptions/${id}`, {
      json: { options: { _filter: { tag: ['keep'] } } },
    });
    expect(patched.status).toBe(204);
    expect((await api.get(`/v2/queues/filtered/subscriptions/${id}`)).body.options).toEqual({
      _filter: { tag: ['keep'] },
    });
    await api.postMessages('filtered', [{ body: { tag: 'drop' } }, { body: { tag: 'keep' } }]);
    const [request] = await receiver.waitFor('/patched', 1);
    expect(request.body).toContain('"keep"');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.at('/patched')).toHaveLength(1);
  });

  it.each([
    ['a list', ['x'], '_filter must be an object.'],
    ['an empty filter', {}, '_filter must not be empty.'],
    ['a bare value', { a: 'x' }, '_filter at "a" must be a list of values or an object.'],
    ['an unknown operator', { a: [{ suffix: 'x' }] }, '_filter at "a": unknown operator "suffix".'],
    [
      'a numeric range upside down',
      { n: [{ numeric: ['>', 5, '<', 1] }] },
      '_filter at "n": numeric range: the lower bound is above the upper.',
    ],
  ])('refuses %s with 400 on create and on PATCH, naming the fault', async (_case, filter, text) => {
    const refused = await subscribe('/refused', { _filter: filter });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ title: 'Invalid API request', description: text });
    const created = await subscribe('/refused-patch', {});
    const id = created.body.subscription_id as string;
    const patched = await api.patch(`/v2/queues/filtered/subscriptions/${id}`, {
      json: { options: { _filter: filter } },
    });
    expect(patched.status).toBe(400);
    expect(patched.body.description).toBe(text);
  });
});
