import type { QueuesService } from '../../queues/queues.service';
import { type ActionTable, asDocument, opt, picked, QUEUE, str } from './action-spec';

/** queue_* of Zaqar's socket API, answered as zaqar/api/v2/endpoints.py words them. */
export function queueActions(queues: QueuesService): ActionTable {
  return {
    queue_list: {
      policy: 'queues:get_all',
      fields: { marker: ['string'], limit: ['integer'], detailed: ['boolean'] },
      async run(ctx, body) {
        const query = { marker: opt<string>(body, 'marker'), limit: opt<number>(body, 'limit') };
        const listed = await queues.list(ctx, { ...query, detailed: opt<boolean>(body, 'detailed') });
        return [200, { [ctx.space.collection]: listed.entries.map(({ href: _href, ...queue }) => queue) }];
      },
    },
    queue_create: {
      policy: 'queues:create',
      fields: { ...QUEUE, metadata: ['object'] },
      async run(ctx, body) {
        const name = str(body, 'queue_name');
        const created = await queues.create(ctx, name, ...asDocument(body.metadata ?? {}));
        return [created ? 201 : 204, `${ctx.space.noun} ${name} created.`];
      },
    },
    queue_delete: {
      policy: 'queues:delete',
      fields: QUEUE,
      async run(ctx, body) {
        await queues.delete(ctx, str(body, 'queue_name'));
        return [204, `${ctx.space.noun} ${str(body, 'queue_name')} removed.`];
      },
    },
    queue_get: {
      policy: 'queues:get',
      fields: QUEUE,
      run: async (ctx, body) => [200, await queues.existingMetadata(ctx, str(body, 'queue_name'))],
    },
    queue_get_stats: {
      policy: 'queues:stats',
      fields: QUEUE,
      async run(ctx, body) {
        const name = str(body, 'queue_name');
        const [stats, exists] = await Promise.all([queues.stats(ctx, name), queues.exists(ctx, name)]);
        // Zaqar's socket API answers 404, with the empty stats, for a queue never created (REST: 200).
        return [exists ? 200 : 404, stats];
      },
    },
    queue_purge: {
      policy: 'queues:purge',
      fields: { ...QUEUE, resource_types: ['array'] },
      async run(ctx, body) {
        const types = picked(body, ['resource_types']);
        // Zaqar's socket API purges both when the frame names neither.
        const [document, length] = 'resource_types' in types ? asDocument(types) : [undefined, 0];
        await queues.purge(ctx, str(body, 'queue_name'), document, length);
        return [204, {}];
      },
    },
  };
}
