import type { DueDelivery } from '../storage/storage.contract';

/**
 * What a subscriber's task sends for a delivery, before any template. A notification is the
 * message as Zaqar's notifier hands it on ({ttl, body}) marked as a Notification; a confirmation
 * is the request itself. The tasks add the queue's name to both.
 */
export function outgoingMessage(delivery: DueDelivery): Record<string, unknown> {
  const queue_name = delivery.ref.queue;
  if (delivery.kind === 'confirmation') return { ...(delivery.message.body as Record<string, unknown>), queue_name };
  return { ...delivery.message, Message_Type: 'Notification', queue_name };
}
