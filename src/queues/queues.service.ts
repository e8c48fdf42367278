import { Inject, Injectable } from '@nestjs/common';
import type { Settings } from '../config/settings';
import { SETTINGS } from '../config/settings.module';
import { InvalidApiRequest, InvalidRequestBody, NotFound } from '../common/errors';
import { applyMetadataPatch, parseMetadataPatch } from '../common/json-patch';
import { listingLimit, nextPageQuery } from '../common/query';
import type { RequestContext } from '../common/request-context';
import { isJsonObject, requireDocument, requireObject } from '../common/request-body';
import { ageOf } from '../messages/message-view';
import {
  MESSAGE_STORE,
  Metadata,
  MessageRecord,
  MessageStore,
  QUEUE_STORE,
  QueueStore,
  SUBSCRIPTION_STORE,
  SubscriptionStore,
} from '../storage/storage.contract';
import { MessageBodies } from '../messages/bodies/message-bodies';
import { MessageMetrics } from '../metrics/message-metrics';
import { QueueReadCache } from './queue-read.cache';
import { checkReservedMetadata, reservedDefaults, withReservedDefaults } from './queue-metadata';
import { queuePath, queueRef } from '../common/queue-space';

export interface QueueListQuery {
  marker?: string;
  limit?: number;
  detailed?: boolean;
  withCount?: boolean;
}

@Injectable()
export class QueuesService {
  constructor(
    @Inject(QUEUE_STORE) private readonly queues: QueueStore,
    @Inject(MESSAGE_STORE) private readonly messages: MessageStore,
    @Inject(SUBSCRIPTION_STORE) private readonly subscriptions: SubscriptionStore,
    private readonly cache: QueueReadCache,
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly bodies: MessageBodies,
    private readonly metrics: MessageMetrics,
  ) {}

  private get limits() {
    return this.settings.limits;
  }

  /** PUT: creates the queue (true) or leaves an existing one as it is (false), as Zaqar does. */
  async create(ctx: RequestContext, queue: string, body: unknown, length: number | undefined): Promise<boolean> {
    this.checkMetadataSize(length);
    const metadata = length ? requireObject(body, length) : {};
    checkReservedMetadata(metadata, this.limits);
    this.bodies.checkEncryptable(metadata);
    const ref = queueRef(ctx, queue);
    const created = await this.queues.create(ref, metadata, Date.now());
    this.cache.forget(ref); // after the write, so a read racing it cannot cache the old value
    return created;
  }

  /** A queue's metadata with reserved defaults; Zaqar answers the defaults for a queue never created. */
  async metadata(ctx: RequestContext, queue: string): Promise<Metadata> {
    if (!ctx.space.implicit) return this.existingMetadata(ctx, queue);
    const metadata = await this.queues.getMetadata(queueRef(ctx, queue));
    return this.shown(ctx, metadata ?? {});
  }

  /** The same for a queue that must exist: Zaqar's socket API answers 404 for one never created. */
  async existingMetadata(ctx: RequestContext, queue: string): Promise<Metadata> {
    const metadata = await this.queues.getMetadata(queueRef(ctx, queue));
    if (metadata === null) throw queueNotFound(ctx, queue);
    return this.shown(ctx, metadata);
  }

  /** Whether the queue was created (and not deleted since). */
  async exists(ctx: RequestContext, queue: string): Promise<boolean> {
    return (await this.queues.getMetadata(queueRef(ctx, queue))) !== null;
  }

  async update(ctx: RequestContext, queue: string, body: unknown, length: number | undefined): Promise<Metadata> {
    const invalidBody = (description: string) => new InvalidRequestBody(description);
    this.checkMetadataSize(length, invalidBody);
    if (!length) throw new InvalidRequestBody('PATCH body could not be empty for update.');
    const changes = parseMetadataPatch(requireDocument(body, length));
    const ref = queueRef(ctx, queue);
    const current = await this.queues.getMetadata(ref);
    if (current === null) throw queueNotFound(ctx, queue);
    const updated = applyMetadataPatch(current, changes, reservedDefaults(this.limits));
    checkReservedMetadata(updated, this.limits, invalidBody);
    this.bodies.checkEncryptable(updated);
    const stored = await this.queues.setMetadata(ref, updated);
    this.cache.forget(ref);
    if (!stored) throw queueNotFound(ctx, queue);
    return this.shown(ctx, updated);
  }

  async delete(ctx: RequestContext, queue: string): Promise<void> {
    const ref = queueRef(ctx, queue);
    await this.queues.delete(ref);
    this.cache.forget(ref);
    this.metrics.queueDeleted(ctx, queue);
  }

  /** A page of the caller's queues (or topics); `count` is 0 unless asked for. */
  async list(ctx: RequestContext, query: QueueListQuery) {
    const limit = listingLimit(query.limit, this.limits.max_queues_per_page);
    const detailed = query.detailed ?? false;
    const storeKey = ctx.space.storeKey(ctx.project);
    const listed = await this.queues.list(storeKey, { marker: query.marker, limit, detailed });
    const queues = listed.map((q) => ({
      name: q.name,
      href: queuePath(ctx, q.name),
      ...(detailed ? { metadata: this.shown(ctx, q.metadata ?? {}) } : {}),
    }));
    const marker = listed.length ? listed[listed.length - 1].name : query.marker;
    const links = queues.length ? [{ rel: 'next', href: ctx.space.base + nextQuery(query, marker) }] : [];
    const count = query.withCount ? await this.queues.count(storeKey) : 0;
    return { entries: queues, links, count };
  }

  async stats(ctx: RequestContext, queue: string) {
    const now = Date.now();
    const stats = await this.cache.statsOf(queueRef(ctx, queue), now);
    const messages: Record<string, unknown> = { claimed: stats.claimed, free: stats.free, total: stats.total };
    if (stats.total && stats.oldest && stats.newest) {
      messages.newest = statsMessageView(stats.newest, queuePath(ctx, queue), now);
      messages.oldest = statsMessageView(stats.oldest, queuePath(ctx, queue), now);
    }
    return { messages };
  }

  /** Removes the queue's messages, its subscriptions, or both, keeping the queue. */
  async purge(ctx: RequestContext, queue: string, body: unknown, length: number | undefined): Promise<void> {
    const types = length ? purgedResourceTypes(requireDocument(body, length)) : PURGEABLE;
    const ref = queueRef(ctx, queue);
    if (types.includes('subscriptions')) await this.subscriptions.purge(ref);
    if (types.includes('messages')) {
      await this.messages.purge(ref);
      this.cache.messagesChanged(ref);
    }
  }

  /** Metadata as a GET shows it: with the space's reserved keys at their defaults where unset. */
  private shown(ctx: RequestContext, metadata: Metadata): Metadata {
    return withReservedDefaults(metadata, this.limits, ctx.space.shownReserved);
  }

  private checkMetadataSize(
    length: number | undefined,
    fail: (description: string) => Error = (description) => new InvalidApiRequest(description),
  ): void {
    if (length !== undefined && length > this.limits.max_queue_metadata) {
      throw fail(`Queue metadata is too large. Max size: ${this.limits.max_queue_metadata}`);
    }
  }
}

const PURGEABLE = ['messages', 'subscriptions'];

function purgedResourceTypes(document: object): string[] {
  const types = isJsonObject(document) ? document.resource_types : undefined;
  if (types === undefined) throw new InvalidApiRequest('Post body must contain key "resource_types".');
  if (!Array.isArray(types) || !types.every((t) => PURGEABLE.includes(t as string))) {
    throw new InvalidApiRequest(`Resource types must be a sub set of {'messages', 'subscriptions'}.`);
  }
  return types as string[];
}

/** A listing as REST answers it: the page under the space's name, the count only when asked and not 0. */
export function listingBody(
  ctx: RequestContext,
  { entries, links, count }: Awaited<ReturnType<QueuesService['list']>>,
) {
  const body = { [ctx.space.collection]: entries, links };
  return count ? { ...body, count } : body;
}

export function queueNotFound(ctx: RequestContext, queue: string): NotFound {
  return new NotFound(`${ctx.space.noun} ${queue} does not exist for project ${ctx.project}`);
}

/** The next-page link keeps the caller's parameters in Zaqar's order, with the new marker. */
function nextQuery(query: QueueListQuery, marker: string | undefined): string {
  return nextPageQuery(
    [
      ['limit', query.limit],
      ['detailed', query.detailed],
      ['with_count', query.withCount],
    ],
    query.marker !== undefined,
    marker,
  );
}

/** Stats show the oldest and newest messages in full, with their creation time in ISO 8601. */
function statsMessageView(message: MessageRecord, queueHref: string, now: number) {
  return {
    age: ageOf(message.created, now),
    ttl: message.ttl,
    body: message.body,
    claim_id: message.claimId,
    claim_count: message.claimCount,
    created: new Date(message.created).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    href: `${queueHref}/messages/${message.id}`,
  };
}
