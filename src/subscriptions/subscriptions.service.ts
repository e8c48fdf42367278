import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { BadRequest, Conflict, InvalidApiRequest, NotFound } from '../common/errors';
import { nextPageQuery } from '../common/query';
import type { RequestContext } from '../common/request-context';
import { isJsonObject, requireDocument } from '../common/request-body';
import type { Settings } from '../config/settings';
import { SETTINGS } from '../config/settings.module';
import { QueueReadCache } from '../queues/queue-read.cache';
import { KeystoneClient, TrustRefused } from '../identity/keystone';
import {
  Metadata,
  QueueRef,
  SUBSCRIPTION_STORE,
  SubscriptionChanges,
  SubscriptionStore,
} from '../storage/storage.contract';
import { validateRetryPolicy } from '../notifications/retry-schedule';
import { FILTER_OPTION, validateFilter } from '../notifications/subscription-filter';
import { ConfirmationNotifier } from './confirmation.notifier';
import { ConfirmationDto, SubscriptionFieldsDto, validateDto } from './subscription.dto';
import { subscriptionView } from './subscription-view';
import { uriScheme } from './subscriber-uri';
import { socketSubscriber } from '../notifications/socket-pushes';
import { queueRef } from '../common/queue-space';
import { subscriptionsPath } from './subscription-paths';

export interface SubscriptionListQuery {
  marker?: string;
  limit?: number;
}

export interface CreatedSubscription {
  id: string;
  /** The key that signs its webhook requests; only when this call created the subscription. */
  secret?: string;
}

@Injectable()
export class SubscriptionsService {
  constructor(
    @Inject(SUBSCRIPTION_STORE) private readonly subscriptions: SubscriptionStore,
    private readonly cache: QueueReadCache,
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly confirmations: ConfirmationNotifier,
    @Optional() private readonly keystone?: KeystoneClient,
  ) {}

  /**
   * `socket` names the connection a socket transport asks for: without a subscriber in the body, it
   * is the subscriber, as Zaqar's WebSocket transport makes the connection one.
   */
  async create(ctx: RequestContext, queue: string, body: unknown, length: number | undefined, socket?: string) {
    const document = this.readDocument(body, length);
    const viaSocket = socket !== undefined && !('subscriber' in document);
    if (socket === undefined && !('subscriber' in document)) {
      throw new InvalidApiRequest('Missing parameter subscriber in body.');
    }
    const fields = viaSocket && !Object.keys(document).length ? {} : this.readFields(document);
    const subscriber = viaSocket ? socketSubscriber(socket) : fields.subscriber!;
    const ref = queueRef(ctx, queue);
    const secret = randomBytes(32).toString('base64url');
    const ttl = fields.ttl ?? this.settings.limits.default_subscription_ttl;
    const options = await this.withTrust(ctx, subscriber, fields.options ?? {}, ttl);
    const result = await this.subscriptions.create(ref, { subscriber, ttl, options, secret }, Date.now());
    // Creating may have created the queue (as in Zaqar).
    if (result.created) this.cache.forget(ref);
    // The same subscriber again: Zaqar answers with the existing subscription until it is confirmed.
    else if (result.subscription.confirmed) {
      throw new Conflict(DUPLICATE, { Location: subscriptionsPath(ctx, queue) });
    }
    const { id } = result.subscription;
    if (viaSocket) {
      // The connection subscribes itself: there is nobody else's address to confirm.
      if (result.created && this.settings.notification.requireConfirmation) {
        await this.subscriptions.confirm(ref, id, true, Date.now());
      }
    } else {
      // Zaqar asks again each time an unconfirmed subscriber is posted again.
      await this.confirmations.send(ctx, queue, id, 'SubscriptionConfirmation', ttl);
    }
    return { id, secret: result.created ? secret : undefined } satisfies CreatedSubscription;
  }

  async list(ctx: RequestContext, queue: string, query: SubscriptionListQuery) {
    const limit = pageLimit(query.limit, this.settings.limits.max_subscriptions_per_page);
    const now = Date.now();
    const found = await this.subscriptions.list(queueRef(ctx, queue), { marker: query.marker, limit }, now);
    if (!found.length) return { subscriptions: [], links: [] };
    const next = nextPageQuery([['limit', query.limit]], query.marker !== undefined, found[found.length - 1].id);
    return {
      subscriptions: found.map((s) => subscriptionView(s, now)),
      links: [{ rel: 'next', href: `${subscriptionsPath(ctx, queue)}${next}` }],
    };
  }

  async get(ctx: RequestContext, queue: string, id: string) {
    const now = Date.now();
    const found = await this.subscriptions.get(queueRef(ctx, queue), id, now);
    if (!found) throw subscriptionNotFound(id);
    return subscriptionView(found, now);
  }

  async update(ctx: RequestContext, queue: string, id: string, body: unknown, length: number | undefined) {
    const fields = this.readFields(this.readDocument(body, length));
    const changes: SubscriptionChanges = {};
    if (fields.subscriber !== undefined) changes.subscriber = fields.subscriber;
    if (fields.ttl !== undefined) changes.ttl = fields.ttl;
    if (fields.options !== undefined) changes.options = fields.options;
    if (!Object.keys(changes).length) {
      throw new BadRequest('Unable to update subscription', `Subscription ${id} could not be updated.`);
    }
    const outcome = await this.subscriptions.update(queueRef(ctx, queue), id, changes, Date.now());
    if (outcome === 'missing') throw subscriptionNotFound(id);
    if (outcome === 'conflict') throw new Conflict(TAKEN);
  }

  async confirm(ctx: RequestContext, queue: string, id: string, body: unknown, length: number | undefined) {
    const document = body === undefined && !length ? {} : requireDocument(body, length);
    const { confirmed } = validateDto(ConfirmationDto, isJsonObject(document) ? document : {});
    const ref = queueRef(ctx, queue);
    const found = await this.subscriptions.confirm(ref, id, confirmed, Date.now());
    if (!found) throw subscriptionNotFound(id);
    if (confirmed === false) {
      const ttl = this.settings.limits.default_subscription_ttl;
      await this.confirmations.send(ctx, queue, id, 'UnsubscribeConfirmation', ttl);
    }
  }

  delete(ctx: RequestContext, queue: string, id: string): Promise<void> {
    return this.subscriptions.delete(queueRef(ctx, queue), id);
  }

  /** Ends every subscription of the queue (purge with resource_types subscriptions). */
  purge(ref: QueueRef): Promise<void> {
    return this.subscriptions.purge(ref);
  }

  /**
   * A trust+ subscriber is told with a token of the caller's: as Zaqar's trust task registers one, a
   * Keystone trust from the caller to this service is made and kept in options.trust_id. Without
   * Keystone there is nobody to trust, and the subscriber is posted to as a plain webhook.
   */
  private async withTrust(ctx: RequestContext, subscriber: string, options: Metadata, ttl: number) {
    if (!this.keystone || !/^trust\+/i.test(subscriber) || options.trust_id || !ctx.authToken || !ctx.userId) {
      return options;
    }
    const trust = { trustorUserId: ctx.userId, projectId: ctx.project, roles: ctx.roles };
    try {
      const expiresAt = new Date(Date.now() + ttl * 1000);
      return { ...options, trust_id: await this.keystone.createTrust(ctx.authToken, { ...trust, expiresAt }) };
    } catch (error) {
      if (!(error instanceof TrustRefused)) throw error;
      throw new BadRequest(
        'Unable to create subscription',
        `Keystone refused a trust for the subscriber: ${error.message}`,
      );
    }
  }

  /** Zaqar reads a missing body as {} and checks the fields from there. */
  private readDocument(body: unknown, length: number | undefined): Record<string, unknown> {
    if (body === undefined && !length) return {};
    const document = requireDocument(body, length);
    if (!isJsonObject(document)) throw new InvalidApiRequest('Subscriptions must be a dict.');
    return document;
  }

  /** Zaqar's subscription_patching checks, in its order. */
  private readFields(document: Record<string, unknown>): SubscriptionFieldsDto & { subscriber?: string } {
    if (!Object.keys(document).length) throw new InvalidApiRequest('No subscription to create.');
    const types = this.settings.limits.subscriber_types;
    const { subscriber } = document;
    if (subscriber !== undefined && (typeof subscriber !== 'string' || !types.includes(uriScheme(subscriber)))) {
      const listed = `[${types.map((t) => `'${t}'`).join(', ')}]`;
      throw new InvalidApiRequest(`The subscriber type of subscription must be supported in the list ${listed}.`);
    }
    const fields = validateDto(SubscriptionFieldsDto, document);
    const fault = validateRetryPolicy(fields.options) ?? validateOptionalFilter(fields.options);
    if (fault) throw new InvalidApiRequest(fault);
    return { ...fields, subscriber: subscriber as string | undefined };
  }
}

/** Zaqar words the two conflicts a space apart: the create's text is the transport's, the update's the store's. */
const TAKEN = 'Such subscription already exists. Subscriptions are unique by project + queue + subscriber URI.';
const DUPLICATE = 'Such subscription already exists.Subscriptions are unique by project + queue + subscriber URI.';

function validateOptionalFilter(options: Record<string, unknown> | undefined): string | null {
  return options && Object.hasOwn(options, FILTER_OPTION) ? validateFilter(options[FILTER_OPTION]) : null;
}

/** A page size of the subscription lists: 10 unless asked, Zaqar's bounds and text. */
export function pageLimit(limit: number | undefined, max: number): number {
  if (limit !== undefined && !(limit > 0 && limit <= max)) {
    throw new InvalidApiRequest(`Limit must be at least 1 and may not be greater than ${max}.`);
  }
  return limit ?? 10;
}

export function subscriptionNotFound(id: string): NotFound {
  return new NotFound(`Subscription ${id} does not exist`);
}
