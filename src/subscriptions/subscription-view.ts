import type { SubscriptionRecord } from '../storage/storage.contract';

/**
 * A subscription as Zaqar shows it. Its age counts from the last time its ttl was set, as the
 * reference's Redis store computes it (expires - ttl).
 */
export function subscriptionView(subscription: SubscriptionRecord, now: number) {
  const since = subscription.expires - subscription.ttl * 1000;
  return {
    id: subscription.id,
    source: subscription.queue,
    subscriber: subscription.subscriber,
    ttl: subscription.ttl,
    age: Math.max(0, Math.floor((now - since) / 1000)),
    options: subscription.options,
    confirmed: subscription.confirmed,
  };
}
