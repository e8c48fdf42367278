import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Settings } from '../config/settings';
import { SETTINGS } from '../config/settings.module';
import { MIN_MESSAGE_TTL } from '../config/limits';
import { BadRequest, Forbidden, InvalidApiRequest, InvalidRequestBody, NotFound } from '../common/errors';
import { intField } from '../common/fields';
import { nextPageQuery } from '../common/query';
import type { RequestContext } from '../common/request-context';
import { isJsonObject, requireDocument } from '../common/request-body';
import { MessageMetrics } from '../metrics/message-metrics';
import { postingPolicy, PostingPolicy } from '../queues/queue-metadata';
import { QueueReadCache } from '../queues/queue-read.cache';
import { queueNotFound } from '../queues/queues.service';
import {
  DeleteOutcome,
  MESSAGE_STORE,
  MessageStore,
  NewMessage,
  QUEUE_STORE,
  QueueRef,
  QueueStore,
} from '../storage/storage.contract';
import { MessageBodies } from './bodies/message-bodies';
import { MESSAGE_STAGES, MessagePosting, MessageStage } from './pipeline/message-stage';
import { queuePath, queueRef } from '../common/queue-space';
import { MessageSignals } from './wait/message-signals';
import { waitMs } from './wait/wait-param';

export interface MessageListQuery {
  marker?: string;
  limit?: number;
  echo?: boolean;
  includeClaimed?: boolean;
  includeDelayed?: boolean;
  /** Seconds to wait for a message when none is there yet (long polling), 0-20. */
  wait?: number;
}

export interface BulkDeleteQuery {
  ids?: string[];
  claimIds?: string[];
  pop?: number;
}

@Injectable()
export class MessagesService {
  private readonly logger = new Logger(MessagesService.name);

  constructor(
    @Inject(MESSAGE_STORE) private readonly messages: MessageStore,
    @Inject(QUEUE_STORE) private readonly queues: QueueStore,
    private readonly cache: QueueReadCache,
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(MESSAGE_STAGES) private readonly stages: MessageStage[],
    private readonly bodies: MessageBodies,
    private readonly signals: MessageSignals,
    private readonly metrics: MessageMetrics,
  ) {}

  private get limits() {
    return this.settings.limits;
  }

  /** Posts a batch, creating the queue on first use; returns the new messages' hrefs in order. */
  async post(ctx: RequestContext, queue: string, body: unknown, length: number | undefined): Promise<string[]> {
    const ref = queueRef(ctx, queue);
    const metadata = (await this.cache.get(ref)) ?? {};
    const policy = postingPolicy(metadata, this.limits);
    this.checkPostSize(length, policy);
    const document = requireDocument(body, length);
    if (!isJsonObject(document) || !('messages' in document)) {
      throw new InvalidApiRequest('No messages were found in the request body.');
    }
    const batch = this.readMessages(document.messages, policy);
    const posting = this.stages.length ? await this.runStages(ctx, queue, batch) : undefined;
    const stored = this.bodies.toStore(posting?.messages ?? batch, metadata);
    const ids = await this.messages.post(ref, ctx.clientId, stored, Date.now(), posting?.notify);
    if (posting) this.afterStages(posting);
    this.cache.messagesChanged(ref);
    this.signals.posted(ref, ids.length);
    this.metrics.posted(ctx, queue, ids.length);
    return ids.map((id) => `${queuePath(ctx, queue)}/messages/${id}`);
  }

  /** The pipeline's stages in order; what they leave is checked against the limits again. */
  private async runStages(ctx: RequestContext, queue: string, messages: NewMessage[]): Promise<MessagePosting> {
    const posting: MessagePosting = { project: ctx.project, queue, clientId: ctx.clientId, messages };
    for (const stage of this.stages) await stage.beforePost(posting);
    if (!posting.messages.length) throw new InvalidApiRequest('No messages to enqueu.');
    for (const message of posting.messages) this.checkMessage(message);
    return posting;
  }

  private afterStages(posting: MessagePosting): void {
    for (const stage of this.stages) {
      try {
        stage.afterPost?.(posting);
      } catch (error) {
        this.logger.warn(`a message pipeline stage failed after a post: ${error}`);
      }
    }
  }

  /**
   * A page of the feed after the marker. With `wait`, an empty page waits up to that long for a
   * message to be posted (by anyone, through any server process) and answers as soon as one shows.
   */
  async list(ctx: RequestContext, queue: string, query: MessageListQuery, abort?: AbortSignal) {
    this.checkPageLimit(query.limit);
    const wait = waitMs(query.wait);
    const ref = queueRef(ctx, queue);
    const page = () => this.page(ctx, queue, query);
    if (!wait) return page();
    return this.signals.poll(ref, 'list', wait, page, (found) => found.messages.length > 0, abort);
  }

  private async page(ctx: RequestContext, queue: string, query: MessageListQuery) {
    const ref = queueRef(ctx, queue);
    const metadata = (await this.cache.get(ref)) ?? {};
    // Zaqar lists delayed messages unless the queue itself sets a default delay.
    const includeDelayed = metadata._default_message_delay ? query.includeDelayed : true;
    const now = Date.now();
    const page = await this.messages.list(
      ref,
      {
        marker: query.marker,
        limit: query.limit ?? 10,
        clientId: ctx.clientId,
        echo: query.echo ?? false,
        includeClaimed: query.includeClaimed ?? false,
        includeDelayed: includeDelayed ?? false,
      },
      now,
    );
    if (!page.messages.length) return { messages: [], links: [] };
    const next = nextPageQuery(
      [
        ['limit', query.limit],
        ['echo', query.echo],
        ['include_claimed', query.includeClaimed],
        ['include_delayed', includeDelayed],
        ['wait', query.wait],
      ],
      query.marker !== undefined,
      page.marker ?? undefined,
    );
    return {
      messages: page.messages.map((m) => this.bodies.view(m, queuePath(ctx, queue), now)),
      links: [{ rel: 'next', href: `${queuePath(ctx, queue)}/messages${next}` }],
    };
  }

  /** REST's GET by ids: a 404 when none of them is found. */
  async getByIds(ctx: RequestContext, queue: string, ids: string[]) {
    const found = await this.findByIds(ctx, queue, ids);
    if (!found.messages.length) {
      const listed = `[${ids.map((id) => `'${id}'`).join(', ')}]`;
      throw new NotFound(`No messages with IDs: ${listed} found in the queue ${queue} for project ${ctx.project}.`);
    }
    return found;
  }

  /** The messages of `ids` that exist, none included (Zaqar's socket API answers that with 200). */
  async findByIds(ctx: RequestContext, queue: string, ids: string[]) {
    this.checkPageLimit(ids.length);
    const now = Date.now();
    const found = await this.messages.getMany(queueRef(ctx, queue), ids, now);
    return { messages: found.map((m) => this.bodies.view(m, queuePath(ctx, queue), now)) };
  }

  async get(ctx: RequestContext, queue: string, id: string) {
    const now = Date.now();
    const ref = queueRef(ctx, queue);
    const message = await this.messages.get(ref, id, now);
    if (!message) {
      if ((await this.queues.getMetadata(ref)) === null) throw queueNotFound(ctx, queue);
      throw new NotFound(`Message ${id} does not exist in queue ${queue} for project ${ctx.project}`);
    }
    return this.bodies.view(message, queuePath(ctx, queue), now);
  }

  async delete(ctx: RequestContext, queue: string, id: string, claimId: string | undefined): Promise<void> {
    const ref = queueRef(ctx, queue);
    const outcome = await this.messages.delete(ref, id, claimId, Date.now());
    if (outcome === 'deleted') {
      this.cache.messagesChanged(ref);
      this.metrics.deleted(ctx, queue, 1);
    }
    const refusal = DELETE_REFUSALS[outcome];
    if (refusal) throw refusal();
  }

  /** DELETE on the collection: by ids (answers nothing) or pop (answers the popped messages). */
  async deleteMany(ctx: RequestContext, queue: string, query: BulkDeleteQuery) {
    const withClaimIds = this.limits.message_delete_with_claim_id;
    const claimIds = withClaimIds ? query.claimIds : undefined;
    this.checkBulkDelete(query.ids, query.pop, claimIds);
    const ref: QueueRef = queueRef(ctx, queue);
    const now = Date.now();
    if (query.ids) {
      const { deleted, refused } = await this.messages.deleteMany(ref, query.ids, claimIds, now);
      this.cache.messagesChanged(ref);
      this.metrics.deleted(ctx, queue, deleted);
      if (refused.length) {
        throw new Forbidden('Unable to delete', `Messages ${refused.join(', ')} are not held by the given claims.`);
      }
      return undefined;
    }
    const popped = await this.messages.pop(ref, query.pop!, now);
    this.cache.messagesChanged(ref);
    this.metrics.deleted(ctx, queue, popped.length);
    return {
      messages: popped.map((m) => this.bodies.popped(m, now)),
    };
  }

  private readMessages(raw: unknown, policy: PostingPolicy): NewMessage[] {
    if (!Array.isArray(raw)) throw new InvalidRequestBody('Document type not supported.');
    const batch = raw.map((item): NewMessage => {
      if (!isJsonObject(item)) throw new InvalidRequestBody('Document type not supported.');
      const ttl = intField(item, 'ttl', policy.defaultTtl);
      if (!('body' in item)) throw new InvalidRequestBody('Missing "body" field.');
      const delay = intField(item, 'delay', policy.defaultDelay);
      return { body: item.body, ttl, delay };
    });
    if (!batch.length) throw new InvalidApiRequest('No messages to enqueu.');
    for (const message of batch) this.checkMessage(message);
    return batch;
  }

  private checkMessage({ ttl, delay }: NewMessage): void {
    const { max_message_ttl: maxTtl, max_message_delay: maxDelay } = this.limits;
    if (!(ttl >= MIN_MESSAGE_TTL && ttl <= maxTtl)) {
      throw new InvalidApiRequest(
        `The TTL for a message may not exceed ${maxTtl} seconds, and must be at least ${MIN_MESSAGE_TTL} seconds long.`,
      );
    }
    if (!(delay >= 0 && delay <= maxDelay)) {
      throw new InvalidApiRequest(
        `The Delay TTL for a message may not exceed ${maxDelay} seconds,and must be at least 0 seconds long.`,
      );
    }
  }

  private checkPostSize(length: number | undefined, policy: PostingPolicy): void {
    if (length === undefined || length <= policy.maxPostSize) return;
    const configured = this.limits.max_messages_post_size;
    if (policy.maxPostSize < configured) {
      throw new InvalidApiRequest(
        `Message collection size is too large. The max size for current queue is ${policy.maxPostSize}. It is ` +
          `calculated by max size = min(max_messages_post_size_config: ${configured}, ` +
          `max_messages_post_size_queue: ${policy.maxPostSize}).`,
      );
    }
    throw new InvalidApiRequest(`Message collection size is too large. Max size ${configured}`);
  }

  private checkPageLimit(limit: number | undefined): void {
    const max = this.limits.max_messages_per_page;
    if (limit !== undefined && !(limit > 0 && limit <= max)) {
      throw new InvalidApiRequest(`Limit must be at least 1 and may not be greater than ${max}.`);
    }
  }

  private checkBulkDelete(ids: string[] | undefined, pop: number | undefined, claimIds: string[] | undefined): void {
    if (pop !== undefined && ids !== undefined) {
      throw new InvalidApiRequest('pop and id params cannot be present together in the delete request.');
    }
    if (pop === undefined && ids === undefined) {
      throw new InvalidApiRequest(
        'The request should have either "ids" or "pop" parameter in the request, to be able to delete.',
      );
    }
    if (this.limits.message_delete_with_claim_id && (ids === undefined) !== (claimIds === undefined)) {
      throw new InvalidApiRequest(
        'The request should have both "ids" and "claim_ids" parameter in the request when ' +
          'message_delete_with_claim_id is True.',
      );
    }
    const maxPop = this.limits.max_messages_per_claim_or_pop;
    if (pop !== undefined && !(pop > 0 && pop <= maxPop)) {
      throw new InvalidApiRequest(`Pop value must be at least 1 and may not be greater than ${maxPop}.`);
    }
    const maxIds = this.limits.max_messages_per_page;
    if (ids !== undefined && !(ids.length > 0 && ids.length <= maxIds)) {
      throw new InvalidApiRequest(`ids parameter should have at least 1 and not greater than ${maxIds} values.`);
    }
  }
}

const CLAIMED = 'This message is claimed; it cannot be deleted without a valid claim ID.';

/** Zaqar's answers to a refused single delete; 'deleted' and 'missing' both answer 204. */
const DELETE_REFUSALS: Partial<Record<DeleteOutcome, () => Error>> = {
  claimed: () => new Forbidden('Unable to delete', CLAIMED),
  'claimed-by-other': () => new Forbidden('Unable to delete', CLAIMED),
  'not-claimed': () =>
    new BadRequest('Unable to delete', 'A claim was specified, but the message is not currently claimed.'),
  'no-such-claim': () => new BadRequest('Unable to delete', 'The specified claim does not exist or has expired.'),
};
