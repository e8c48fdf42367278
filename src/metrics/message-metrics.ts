import { Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import type { RequestContext } from '../common/request-context';
import { ActiveQueues } from './active-queues';

type Owner = Pick<RequestContext, 'project' | 'space'>;

/**
 * What the message and claim services report, whichever transport called them: messages, not
 * requests. Each report marks its queue active for the per-queue series (see ActiveQueues).
 */
export abstract class MessageMetrics {
  abstract posted(owner: Owner, queue: string, count: number): void;
  abstract claimed(owner: Owner, queue: string, count: number): void;
  /** Deleted by a client: by id, by ids, or popped. */
  abstract deleted(owner: Owner, queue: string, count: number): void;
  /** Moved by a claim to the dead-letter queue of the queue it claimed from. */
  abstract deadLettered(owner: Owner, deadLetterQueue: string, count: number): void;
  /** The queue is gone: its series end. */
  abstract queueDeleted(owner: Owner, queue: string): void;
}

/** METRICS=off. */
export const UNCOUNTED_MESSAGES: MessageMetrics = {
  posted: () => undefined,
  claimed: () => undefined,
  deleted: () => undefined,
  deadLettered: () => undefined,
  queueDeleted: () => undefined,
};

@Injectable()
export class CountedMessages implements MessageMetrics {
  private readonly postedTotal: Counter;
  private readonly claimedTotal: Counter;
  private readonly deletedTotal: Counter;
  private readonly deadLetteredTotal: Counter;

  constructor(
    registry: Registry,
    private readonly active: ActiveQueues,
  ) {
    const counter = (name: string, help: string) => new Counter({ name, help, registers: [registry] });
    this.postedTotal = counter('zaqar_messages_posted_total', 'Messages posted.');
    this.claimedTotal = counter('zaqar_messages_claimed_total', 'Messages claimed.');
    this.deletedTotal = counter('zaqar_messages_deleted_total', 'Messages deleted by clients (by id, by ids, popped).');
    this.deadLetteredTotal = counter(
      'zaqar_messages_dead_lettered_total',
      'Messages a claim moved to their dead-letter queue (claimed _max_claim_count times already).',
    );
  }

  posted(owner: Owner, queue: string, count: number): void {
    this.record(this.postedTotal, owner, queue, count);
  }

  claimed(owner: Owner, queue: string, count: number): void {
    this.record(this.claimedTotal, owner, queue, count);
  }

  deleted(owner: Owner, queue: string, count: number): void {
    this.record(this.deletedTotal, owner, queue, count);
  }

  deadLettered(owner: Owner, deadLetterQueue: string, count: number): void {
    this.record(this.deadLetteredTotal, owner, deadLetterQueue, count);
  }

  queueDeleted(owner: Owner, queue: string): void {
    this.active.forget(owner, queue);
  }

  private record(total: Counter, owner: Owner, queue: string, count: number): void {
    total.inc(count);
    this.active.touch(owner, queue);
  }
}
