import type { SubscriptionsService } from '../../subscriptions/subscriptions.service';
import { type ActionTable, asDocument, opt, picked, QUEUE, str } from './action-spec';

const SUBSCRIPTION: ActionTable[string]['fields'] = { ...QUEUE, subscription_id: ['string', 'required'] };

/**
 * subscription_* of Zaqar's socket API. A subscription_create that names no subscriber makes the
 * connection the subscriber: each new message of the queue is pushed to it, until it closes.
 */
export function subscriptionActions(subscriptions: SubscriptionsService): ActionTable {
  return {
    subscription_list: {
      policy: 'subscription:get_all',
      fields: { ...QUEUE, marker: ['string'], limit: ['integer'] },
      async run(ctx, body) {
        const query = { marker: opt<string>(body, 'marker'), limit: opt<number>(body, 'limit') };
        const listed = await subscriptions.list(ctx, str(body, 'queue_name'), query);
        return [200, { subscriptions: listed.subscriptions }];
      },
    },
    subscription_create: {
      policy: 'subscription:create',
      fields: { ...QUEUE, subscriber: ['string'], ttl: ['integer'], options: ['object'] },
      async run(ctx, body, session) {
        const queue = str(body, 'queue_name');
        const fields = picked(body, ['subscriber', 'ttl', 'options']);
        const created = await subscriptions.create(ctx, queue, ...asDocument(fields), session.id);
        if (!('subscriber' in fields)) session.subscribed({ ctx, queue, id: created.id });
        return [201, { subscription_id: created.id, message: `Subscription ${queue} created.` }];
      },
    },
    subscription_get: {
      policy: 'subscription:get',
      fields: SUBSCRIPTION,
      run: async (ctx, body) => [
        200,
        await subscriptions.get(ctx, str(body, 'queue_name'), str(body, 'subscription_id')),
      ],
    },
    subscription_delete: {
      policy: 'subscription:delete',
      fields: SUBSCRIPTION,
      async run(ctx, body) {
        await subscriptions.delete(ctx, str(body, 'queue_name'), str(body, 'subscription_id'));
        return [204, `Subscription ${str(body, 'subscription_id')} removed.`];
      },
    },
  };
}
