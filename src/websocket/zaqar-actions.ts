import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../common/request-context';
import { ClaimsService } from '../claims/claims.service';
import type { MessageView } from '../messages/message-view';
import { MessagesService } from '../messages/messages.service';
import { QueuesService } from '../queues/queues.service';

type Body = Record<string, unknown>;
type JsonType = 'string' | 'integer' | 'boolean' | 'array' | 'object';

/** One protocol action: its policy action, what its frame must carry, and what it does. */
interface ActionSpec {
  policy: string;
  /** Fields of the frame's body its schema types (zaqar/api/v2/request.py), required ones marked. */
  fields: Record<string, [JsonType, 'required'?]>;
  run(ctx: RequestContext, body: Body): Promise<[status: number, body: unknown]>;
}

const QUEUE: ActionSpec['fields'] = { queue_name: ['string', 'required'] };

/** Zaqar's format_message for socket answers: the claim id instead of an href. */
function socketMessage(message: MessageView, claimId: string | null = null) {
  return { id: message.id, claim_id: claimId, ttl: message.ttl, age: message.age, body: message.body };
}

/** A body as the REST service reads it: the JSON and its length. */
function asDocument(value: unknown): [unknown, number] {
  return [value, JSON.stringify(value ?? {}).length];
}

const str = (body: Body, name: string) => body[name] as string;
const opt = <T>(body: Body, name: string) => body[name] as T | undefined;

/**
 * The actions of Zaqar's v2 socket API this server answers, each a few lines over the services the
 * REST controllers use; the answers take the shapes of zaqar/api/v2/endpoints.py.
 */
@Injectable()
export class ZaqarActions {
  readonly actions: Record<string, ActionSpec>;

  constructor(queues: QueuesService, messages: MessagesService, claims: ClaimsService) {
    this.actions = {
      queue_list: {
        policy: 'queues:get_all',
        fields: { marker: ['string'], limit: ['integer'], detailed: ['boolean'] },
        async run(ctx, body) {
          const query = { marker: opt<string>(body, 'marker'), limit: opt<number>(body, 'limit') };
          const listed = await queues.list(ctx, { ...query, detailed: opt<boolean>(body, 'detailed') });
          return [200, { queues: listed.queues.map(({ href: _href, ...queue }) => queue) }];
        },
      },
      queue_create: {
        policy: 'queues:create',
        fields: { ...QUEUE, metadata: ['object'] },
        async run(ctx, body) {
          const name = str(body, 'queue_name');
          const created = await queues.create(ctx, name, ...asDocument(body.metadata ?? {}));
          return [created ? 201 : 204, `Queue ${name} created.`];
        },
      },
      queue_delete: {
        policy: 'queues:delete',
        fields: QUEUE,
        async run(ctx, body) {
          await queues.delete(ctx, str(body, 'queue_name'));
          return [204, `Queue ${str(body, 'queue_name')} removed.`];
        },
      },
      queue_get: {
        policy: 'queues:get',
        fields: QUEUE,
        run: async (ctx, body) => [200, await queues.metadata(ctx, str(body, 'queue_name'))],
      },
      queue_get_stats: {
        policy: 'queues:stats',
        fields: QUEUE,
        run: async (ctx, body) => [200, await queues.stats(ctx, str(body, 'queue_name'))],
      },
      message_post: {
        policy: 'messages:create',
        fields: { ...QUEUE, messages: ['array', 'required'] },
        async run(ctx, body) {
          const hrefs = await messages.post(ctx, str(body, 'queue_name'), ...asDocument({ messages: body.messages }));
          return [201, { message_ids: hrefs.map((href) => href.slice(href.lastIndexOf('/') + 1)) }];
        },
      },
      message_list: {
        policy: 'messages:get_all',
        fields: {
          ...QUEUE,
          marker: ['string'],
          limit: ['integer'],
          echo: ['boolean'],
          include_claimed: ['boolean'],
          include_delayed: ['boolean'],
        },
        async run(ctx, body) {
          const page = await messages.list(ctx, str(body, 'queue_name'), {
            marker: opt(body, 'marker'),
            limit: opt(body, 'limit'),
            echo: opt(body, 'echo'),
            includeClaimed: opt(body, 'include_claimed'),
            includeDelayed: opt(body, 'include_delayed'),
          });
          return [200, { messages: page.messages.map((m) => socketMessage(m)) }];
        },
      },
      message_get: {
        policy: 'messages:get',
        fields: { ...QUEUE, message_id: ['string', 'required'] },
        async run(ctx, body) {
          const message = await messages.get(ctx, str(body, 'queue_name'), str(body, 'message_id'));
          return [200, { messages: socketMessage(message) }];
        },
      },
      message_delete: {
        policy: 'messages:delete',
        fields: { ...QUEUE, message_id: ['string', 'required'], claim_id: ['string'] },
        async run(ctx, body) {
          await messages.delete(ctx, str(body, 'queue_name'), str(body, 'message_id'), opt(body, 'claim_id'));
          return [204, {}];
        },
      },
      claim_create: {
        policy: 'claims:create',
        fields: { ...QUEUE, ttl: ['integer'], grace: ['integer'], limit: ['integer'] },
        async run(ctx, body) {
          const terms = { ttl: body.ttl, grace: body.grace };
          const claim = await claims.create(ctx, str(body, 'queue_name'), ...asDocument(terms), opt(body, 'limit'));
          if (!claim) return [204, { claim_id: null }];
          const claimId = claim.location.slice(claim.location.lastIndexOf('/') + 1);
          return [201, { claim_id: claimId, messages: claim.messages.map((m) => socketMessage(m, claimId)) }];
        },
      },
      claim_get: {
        policy: 'claims:get',
        fields: { ...QUEUE, claim_id: ['string', 'required'] },
        async run(ctx, body) {
          const claimId = str(body, 'claim_id');
          const { href: _href, ...claim } = await claims.get(ctx, str(body, 'queue_name'), claimId);
          return [200, { ...claim, messages: claim.messages.map((m) => socketMessage(m, claimId)) }];
        },
      },
      claim_update: {
        policy: 'claims:update',
        fields: { ...QUEUE, claim_id: ['string', 'required'], ttl: ['integer'], grace: ['integer'] },
        async run(ctx, body) {
          const claimId = str(body, 'claim_id');
          const terms = { ttl: body.ttl, grace: body.grace };
          await claims.renew(ctx, str(body, 'queue_name'), claimId, ...asDocument(terms));
          return [204, `Claim ${claimId} updated.`];
        },
      },
      claim_delete: {
        policy: 'claims:delete',
        fields: { ...QUEUE, claim_id: ['string', 'required'] },
        async run(ctx, body) {
          await claims.release(ctx, str(body, 'queue_name'), str(body, 'claim_id'));
          return [204, `Claim ${str(body, 'claim_id')} deleted.`];
        },
      },
    };
  }
}

/** Whether the body carries what the action's schema asks, with the types it names. */
export function fitsSchema(spec: ActionSpec, body: Body): boolean {
  return Object.entries(spec.fields).every(([name, [type, required]]) => {
    if (!(name in body)) return required !== 'required';
    return hasType(body[name], type);
  });
}

function hasType(value: unknown, type: JsonType): boolean {
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'array') return Array.isArray(value);
  if (type === 'object') return typeof value === 'object' && value !== null && !Array.isArray(value);
  return typeof value === type;
}
