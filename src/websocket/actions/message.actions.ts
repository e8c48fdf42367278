import { InvalidRequestBody } from '../../common/errors';
import type { MessageView } from '../../messages/message-view';
import type { MessagesService } from '../../messages/messages.service';
import { type ActionTable, asDocument, idOf, opt, QUEUE, str } from './action-spec';

/** Zaqar's format_message for socket answers: the claim id instead of an href. */
export function socketMessage(message: MessageView, claimId: string | null = null) {
  return { id: message.id, claim_id: claimId, ttl: message.ttl, age: message.age, body: message.body };
}

/** message_* of Zaqar's socket API. */
export function messageActions(messages: MessagesService): ActionTable {
  return {
    message_post: {
      policy: 'messages:create',
      fields: { ...QUEUE, messages: ['array', 'required'] },
      async run(ctx, body) {
        // Zaqar measures the messages alone, len(str(messages)), against the post size.
        const [, length] = asDocument(body.messages);
        try {
          const hrefs = await messages.post(ctx, str(body, 'queue_name'), { messages: body.messages }, length);
          return [201, { message_ids: hrefs.map(idOf) }];
        } catch (error) {
          // Its sanitize() refuses a message's fields with api errors.BadRequest, whose text says so.
          if (error instanceof InvalidRequestBody) throw new InvalidRequestBody(`Bad request. ${error.description}`);
          throw error;
        }
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
        wait: ['integer'],
      },
      async run(ctx, body, session) {
        const listing = {
          marker: opt<string>(body, 'marker'),
          limit: opt<number>(body, 'limit'),
          echo: opt<boolean>(body, 'echo'),
          includeClaimed: opt<boolean>(body, 'include_claimed'),
          includeDelayed: opt<boolean>(body, 'include_delayed'),
          wait: opt<number>(body, 'wait'),
        };
        const page = await messages.list(ctx, str(body, 'queue_name'), listing, session.closed);
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
    message_get_many: {
      policy: 'messages:get_all',
      fields: { ...QUEUE, message_ids: ['array', 'required'] },
      async run(ctx, body) {
        const ids = (body.message_ids as unknown[]).map(String);
        const found = await messages.findByIds(ctx, str(body, 'queue_name'), ids);
        return [200, { messages: found.messages.map((m) => socketMessage(m)) }];
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
    message_delete_many: {
      policy: 'messages:delete_all',
      fields: { ...QUEUE, message_ids: ['array'], claim_ids: ['array'], pop: ['integer'] },
      async run(ctx, body) {
        const popped = await messages.deleteMany(ctx, str(body, 'queue_name'), {
          ids: (body.message_ids as unknown[] | undefined)?.map(String),
          claimIds: (body.claim_ids as unknown[] | undefined)?.map(String),
          pop: opt(body, 'pop'),
        });
        return popped ? [200, popped] : [204, {}];
      },
    },
  };
}
