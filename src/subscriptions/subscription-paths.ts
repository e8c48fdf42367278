import { queuePath } from '../common/queue-space';
import type { RequestContext } from '../common/request-context';

type Space = Pick<RequestContext, 'space'>;

/** /v2/queues/{name}/subscriptions, or the topic's. */
export function subscriptionsPath(ctx: Space, queue: string): string {
  return `${queuePath(ctx, queue)}/subscriptions`;
}

/** Where the subscription's failed deliveries are listed. */
export function failedPath(ctx: Space, queue: string, id: string): string {
  return `${subscriptionsPath(ctx, queue)}/${id}/failed`;
}
