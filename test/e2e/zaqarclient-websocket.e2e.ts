import { randomUUID } from 'node:crypto';
import { BACKENDS } from '../support/backends';
import { serversOnFreshStore } from '../support/lifecycle';
import { freePort } from '../support/server';
import { driveWithZaqarclientWs, type Step } from '../support/zaqarclient-ws';

const ID = expect.stringMatching(/^[0-9a-f-]{36}$/);

/** A message as Zaqar's socket actions show it. */
const message = (id: unknown, n: number, claimId: unknown = null) => ({
  id,
  claim_id: claimId,
  ttl: 300,
  age: expect.any(Number),
  body: { n },
});

describe.each(BACKENDS)("python-zaqarclient's WebSocket transport against our server [%s]", (_name, makeBackend) => {
  const env: Record<string, string> = {};
  beforeAll(async () => {
    env.WS_PORT = String(await freePort());
  });
  serversOnFreshStore(makeBackend, 1, env);

  const project = `p-${randomUUID().slice(0, 8)}`;
  const queue = `wsq-${randomUUID().slice(0, 8)}`;
  /** One run of the script's tour; each test reads the steps of its resource. */
  let seen: Record<string, Step>;
  let ids: string[];

  beforeAll(async () => {
    seen = await driveWithZaqarclientWs({
      endpoint: `ws://127.0.0.1:${env.WS_PORT}`,
      backend: 'noauth',
      project,
      token: 'unchecked-with-noauth',
      scenario: 'tour',
      queue,
    });
    ids = seen.message_post.body.message_ids;
  });

  /** What zaqarclient raises for an error answer: the status's class, and the frame's `error` followed by a period. */
  const raised = (errorClass: string, code: number, description: string): Step => ({
    raised: errorClass,
    message: `Error response from Zaqar. Code: ${code}. Title: Websocket Transport Error. Description: ${description}.`,
  });

  it('authenticates (a no-op with noauth) and answers ping_node with 204', () => {
    expect(seen.authenticate).toEqual({ status: 200 });
    expect(seen.ping_node).toEqual({ status: 204, body: {} });
  });

  it('queues: create (201, then 204), list, detailed list, get, delete', () => {
    expect(seen.queue_create).toEqual({ status: 201, body: `Queue ${queue} created.` });
    expect(seen.queue_create_again).toEqual({ status: 204, body: `Queue ${queue} created.` });
    expect(seen.queue_list).toEqual({ status: 200, body: { queues: [{ name: queue }, { name: `${queue}-other` }] } });
    expect(seen.queue_list_detailed.status).toBe(200);
    expect(seen.queue_list_detailed.body.queues).toEqual([
      { name: queue, metadata: expect.objectContaining({ colour: 'blue', _default_message_ttl: 3600 }) },
    ]);
    expect(seen.queue_get.status).toBe(200);
    expect(seen.queue_get.body).toMatchObject({ colour: 'blue', _max_messages_post_size: 262144 });
    expect(seen.queue_delete).toEqual({ status: 204, body: `Queue ${queue} removed.` });
    expect(seen.queue_list_after_delete).toEqual({ status: 200, body: { queues: [{ name: `${queue}-other` }] } });
  });

  it('queue_get of a missing queue raises ResourceNotFound in zaqarclient', () => {
    expect(seen.queue_get_missing).toEqual(
      raised('ResourceNotFound', 404, `Queue ${queue}-never does not exist for project ${project}`),
    );
  });

  it('messages: post, list (own messages only with echo), get, get many, delete, delete many, pop', () => {
    expect(seen.message_post).toEqual({ status: 201, body: { message_ids: [ID, ID, ID, ID, ID] } });
    expect(seen.message_list).toEqual({
      status: 200,
      body: { messages: [0, 1, 2, 3, 4].map((n) => message(ids[n], n)) },
    });
    expect(seen.message_list_own_hidden).toEqual({ status: 200, body: { messages: [] } });
    expect(seen.message_get).toEqual({ status: 200, body: { messages: message(ids[0], 0) } });
    expect(seen.message_get_many).toEqual({
      status: 200,
      body: { messages: [message(ids[0], 0), message(ids[1], 1)] },
    });
    expect(seen.message_delete).toEqual({ status: 204, body: {} });
    expect(seen.message_get_deleted).toEqual(
      raised('ResourceNotFound', 404, `Message ${ids[0]} does not exist in queue ${queue} for project ${project}`),
    );
    expect(seen.message_delete_many).toEqual({ status: 204, body: {} });
    // pop takes the oldest message left: ids[0] and ids[1] are deleted by then
    expect(seen.message_pop).toEqual({
      status: 200,
      body: { messages: [{ ...message(ids[2], 2), claim_count: 0 }] },
    });
    expect(seen.message_pop_and_ids).toEqual(
      raised('MalformedRequest', 400, 'pop and id params cannot be present together in the delete request.'),
    );
  });

  it('claims: create, get, update, delete; an empty queue answers 204', () => {
    const claimId = seen.claim_create.body.claim_id;
    expect(seen.claim_create).toEqual({ status: 201, body: { claim_id: ID, messages: [message(ids[3], 3, claimId)] } });
    expect(seen.claim_get).toEqual({
      status: 200,
      body: { age: expect.any(Number), ttl: 60, messages: [message(ids[3], 3, claimId)] },
    });
    expect(seen.claim_update).toEqual({ status: 204, body: `Claim ${claimId} updated.` });
    expect(seen.claim_get_updated.body.ttl).toBe(120);
    expect(seen.queue_get_stats_claimed.body.messages).toMatchObject({ claimed: 1, free: 1, total: 2 });
    expect(seen.claim_delete).toEqual({ status: 204, body: `Claim ${claimId} deleted.` });
    expect(seen.claim_get_deleted).toEqual(
      raised('ResourceNotFound', 404, `Claim ${claimId} does not exist in queue ${queue} for project ${project}`),
    );
    expect(seen.claim_create_empty).toEqual({ status: 204, body: { claim_id: null } });
  });

  it('queue stats and purge: purge empties the queue; an unknown resource type raises MalformedRequest', () => {
    expect(seen.queue_get_stats.status).toBe(200);
    expect(seen.queue_get_stats.body.messages).toMatchObject({ claimed: 0, free: 2, total: 2 });
    expect(seen.queue_get_stats.body.messages.newest).toMatchObject({ body: { n: 4 } });
    expect(seen.queue_get_stats.body.messages.oldest).toMatchObject({ body: { n: 3 } });
    expect(seen.queue_purge_wrong).toEqual(
      raised('MalformedRequest', 400, "Resource types must be a sub set of {'messages', 'subscriptions'}."),
    );
    expect(seen.queue_purge).toEqual({ status: 204, body: {} });
    expect(seen.queue_get_stats_purged).toEqual({
      status: 200,
      body: { messages: { claimed: 0, free: 0, total: 0 } },
    });
  });

  it('subscriptions: create, list, get, delete; an unsupported subscriber raises MalformedRequest', () => {
    const id = seen.subscription_create.body.subscription_id;
    expect(seen.subscription_create).toEqual({
      status: 201,
      body: { subscription_id: ID, message: `Subscription ${queue} created.` },
    });
    const shown = {
      id,
      source: queue,
      subscriber: 'http://127.0.0.1:9/hook',
      ttl: 600,
      age: expect.any(Number),
      options: { k: 'v' },
      confirmed: false,
    };
    expect(seen.subscription_list).toEqual({ status: 200, body: { subscriptions: [shown] } });
    expect(seen.subscription_get).toEqual({ status: 200, body: shown });
    expect(seen.subscription_create_bad.raised).toBe('MalformedRequest');
    expect(seen.subscription_create_bad.message).toContain('The subscriber type of subscription must be supported');
    expect(seen.subscription_delete).toEqual({ status: 204, body: `Subscription ${id} removed.` });
    expect(seen.subscription_get_deleted).toEqual(raised('ResourceNotFound', 404, `Subscription ${id} does not exist`));
  });
});
