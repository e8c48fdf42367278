import { Inject, Injectable } from '@nestjs/common';
import type { Settings } from '../config/settings';
import { SETTINGS } from '../config/settings.module';
import { MIN_CLAIM_GRACE, MIN_CLAIM_TTL } from '../config/limits';
import { InvalidApiRequest, NotFound } from '../common/errors';
import { intField } from '../common/fields';
import type { RequestContext } from '../common/request-context';
import { requireObject } from '../common/request-body';
import { MessageBodies } from '../messages/bodies/message-bodies';
import { MessageMetrics } from '../metrics/message-metrics';
import { ageOf } from '../messages/message-view';
import { deadLetterPolicy } from '../queues/queue-metadata';
import { QueueReadCache } from '../queues/queue-read.cache';
import { CLAIM_STORE, ClaimStore } from '../storage/storage.contract';
import { queuePath, queueRef } from '../common/queue-space';
import { MessageSignals } from '../messages/wait/message-signals';
import { waitMs } from '../messages/wait/wait-param';

interface ClaimTerms {
  ttl: number;
  grace: number;
}

export interface ClaimQuery {
  limit?: number;
  /** Seconds to wait for a message when none is free (long polling), 0-20. */
  wait?: number;
}

@Injectable()
export class ClaimsService {
  constructor(
    @Inject(CLAIM_STORE) private readonly claims: ClaimStore,
    private readonly cache: QueueReadCache,
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly bodies: MessageBodies,
    private readonly signals: MessageSignals,
    private readonly metrics: MessageMetrics,
  ) {}

  private get limits() {
    return this.settings.limits;
  }

  /**
   * Claims up to `limit` messages; null when nothing was free (Zaqar answers 204 then). With
   * `wait`, waits up to that long for a message to be posted when none is free; a claim made as
   * the caller went away (`abort`) is released at once, so its messages are not held for nobody.
   */
  async create(
    ctx: RequestContext,
    queue: string,
    body: unknown,
    length: number | undefined,
    { limit, wait }: ClaimQuery,
    abort?: AbortSignal,
  ) {
    const terms = length ? this.readTerms(body, length) : this.defaultTerms();
    this.checkTtl(terms.ttl);
    const max = this.limits.max_messages_per_claim_or_pop;
    if (limit !== undefined && !(limit > 0 && limit <= max)) {
      throw new InvalidApiRequest(`Limit must be at least 1 and may not be greater than ${max}.`);
    }
    if (!(terms.grace >= MIN_CLAIM_GRACE && terms.grace <= this.limits.max_claim_grace)) throw this.graceRefusal();
    const waiting = waitMs(wait);
    const ref = queueRef(ctx, queue);
    const claim = () => this.claimOnce(ctx, queue, terms, limit ?? 10);
    const batch = waiting
      ? await this.signals.poll(ref, 'claim', waiting, claim, (made) => made.messages.length > 0, abort)
      : await claim();
    if (!batch.messages.length) return null;
    if (abort?.aborted) {
      await this.claims.release(ref, batch.claimId, Date.now());
      return null;
    }
    const now = Date.now();
    return {
      location: `${queuePath(ctx, queue)}/claims/${batch.claimId}`,
      messages: batch.messages.map((m) => this.bodies.view(m, queuePath(ctx, queue), now, batch.claimId)),
    };
  }

  private async claimOnce(ctx: RequestContext, queue: string, terms: ClaimTerms, limit: number) {
    const ref = queueRef(ctx, queue);
    const metadata = (await this.cache.get(ref)) ?? {};
    const deadLetter = deadLetterPolicy(metadata);
    const batch = await this.claims.create(ref, { ...terms, limit, deadLetter }, Date.now());
    this.cache.messagesChanged(ref);
    this.metrics.claimed(ctx, queue, batch.messages.length);
    if (deadLetter) {
      this.cache.messagesChanged(queueRef(ctx, deadLetter.queue));
      if (batch.deadLettered) this.metrics.deadLettered(ctx, deadLetter.queue, batch.deadLettered);
    }
    return batch;
  }

  async get(ctx: RequestContext, queue: string, claimId: string) {
    const now = Date.now();
    const claim = await this.claims.get(queueRef(ctx, queue), claimId, now);
    if (!claim) throw claimNotFound(ctx, queue, claimId);
    return {
      age: ageOf(claim.updated, now),
      ttl: claim.ttl,
      messages: claim.messages.map((m) => this.bodies.view(m, queuePath(ctx, queue), now, claimId)),
      href: `${queuePath(ctx, queue)}/claims/${claimId}`,
    };
  }

  async renew(
    ctx: RequestContext,
    queue: string,
    claimId: string,
    body: unknown,
    length: number | undefined,
  ): Promise<void> {
    const terms = this.readTerms(body, length);
    this.checkTtl(terms.ttl);
    // Zaqar checks a renewal's grace not at all; above the maximum, the expiry it sets overflows the stores.
    if (terms.grace > this.limits.max_claim_grace) throw this.graceRefusal();
    const ref = queueRef(ctx, queue);
    const renewed = await this.claims.renew(ref, claimId, terms.ttl, Math.max(0, terms.grace), Date.now());
    this.cache.messagesChanged(ref);
    if (!renewed) throw claimNotFound(ctx, queue, claimId);
  }

  async release(ctx: RequestContext, queue: string, claimId: string): Promise<void> {
    const ref = queueRef(ctx, queue);
    await this.claims.release(ref, claimId, Date.now());
    this.cache.messagesChanged(ref);
  }

  private defaultTerms(): ClaimTerms {
    return { ttl: this.limits.default_claim_ttl, grace: this.limits.default_claim_grace };
  }

  private readTerms(body: unknown, length: number | undefined): ClaimTerms {
    const document = requireObject(body, length);
    const defaults = this.defaultTerms();
    return { ttl: intField(document, 'ttl', defaults.ttl), grace: intField(document, 'grace', defaults.grace) };
  }

  private graceRefusal(): InvalidApiRequest {
    return new InvalidApiRequest(
      `The grace for a claim may not exceed ${this.limits.max_claim_grace} seconds, and must be at least ${MIN_CLAIM_GRACE} seconds long.`,
    );
  }

  private checkTtl(ttl: number): void {
    const max = this.limits.max_claim_ttl;
    if (!(ttl >= MIN_CLAIM_TTL && ttl <= max)) {
      throw new InvalidApiRequest(
        `The TTL for a claim may not exceed ${max} seconds, and must be at least ${MIN_CLAIM_TTL} seconds long.`,
      );
    }
  }
}

function claimNotFound(ctx: RequestContext, queue: string, claimId: string): NotFound {
  return new NotFound(`Claim ${claimId} does not exist in queue ${queue} for project ${ctx.project}`);
}
