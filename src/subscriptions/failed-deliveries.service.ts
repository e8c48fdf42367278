import { Inject, Injectable } from '@nestjs/common';
import { InvalidApiRequest } from '../common/errors';
import { nextPageQuery } from '../common/query';
import type { RequestContext } from '../common/request-context';
import type { Settings } from '../config/settings';
import { SETTINGS } from '../config/settings.module';
import {
  DELIVERY_STORE,
  DeliveryStore,
  FailedDelivery,
  QueueRef,
  SUBSCRIPTION_STORE,
  SubscriptionStore,
} from '../storage/storage.contract';
import { failedPath } from './subscription-paths';
import { pageLimit, subscriptionNotFound } from './subscriptions.service';
import { queueRef } from '../common/queue-space';

export interface FailedListQuery {
  marker?: string;
  limit?: number;
}

/**
 * A subscription's dead-letter list (beyond Zaqar): the deliveries that exhausted its retry policy
 * or were refused for good, and their redrive.
 */
@Injectable()
export class FailedDeliveriesService {
  constructor(
    @Inject(SUBSCRIPTION_STORE) private readonly subscriptions: SubscriptionStore,
    @Inject(DELIVERY_STORE) private readonly deliveries: DeliveryStore,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  async list(ctx: RequestContext, queue: string, id: string, query: FailedListQuery) {
    const limit = pageLimit(query.limit, this.settings.limits.max_subscriptions_per_page);
    if (query.marker !== undefined && !/^\d{1,15}$/.test(query.marker)) {
      throw new InvalidApiRequest('The marker must be the id of a failed delivery.');
    }
    const ref = await this.existing(ctx, queue, id);
    const found = await this.deliveries.listFailed(ref, id, { marker: query.marker, limit });
    if (!found.length) return { failed: [], links: [] };
    const next = nextPageQuery([['limit', query.limit]], query.marker !== undefined, found[found.length - 1].id);
    return {
      failed: found.map(failedView),
      links: [{ rel: 'next', href: `${failedPath(ctx, queue, id)}${next}` }],
    };
  }

  /** Puts the failed deliveries back to be sent now, attempts reset. */
  async redrive(ctx: RequestContext, queue: string, id: string) {
    const ref = await this.existing(ctx, queue, id);
    return { redriven: await this.deliveries.redrive(ref, id, Date.now()) };
  }

  private async existing(ctx: RequestContext, queue: string, id: string): Promise<QueueRef> {
    const ref = queueRef(ctx, queue);
    if (!(await this.subscriptions.get(ref, id, Date.now()))) throw subscriptionNotFound(id);
    return ref;
  }
}

function failedView(delivery: FailedDelivery) {
  return {
    id: delivery.id,
    kind: delivery.kind,
    ttl: delivery.message.ttl,
    body: delivery.message.body,
    attempts: delivery.attempts,
    error: delivery.error,
    posted_at: new Date(delivery.posted).toISOString(),
    failed_at: new Date(delivery.failed).toISOString(),
  };
}
