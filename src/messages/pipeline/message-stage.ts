import type { NewMessage, Notify } from '../../storage/storage.contract';

/** A post on its way to the message store, as every stage of the pipeline sees it. */
export interface MessagePosting {
  readonly project: string;
  readonly queue: string;
  readonly clientId: string;
  /** The validated messages, in order; a stage may replace, drop or rewrite them. */
  messages: NewMessage[];
  /** Set by the notifier: the store writes the post's deliveries to these subscribers. */
  notify?: Notify;
}

/**
 * One stage of the message pipeline (Zaqar's `[storage] message_pipeline`): runs, in the
 * configured order, after a post is validated and before it is stored. A stage refuses a post by
 * throwing one of the API's errors (src/common/errors), which the client gets as Zaqar's error body.
 */
export interface MessageStage {
  beforePost(posting: MessagePosting): void | Promise<void>;
  /** After the post is stored (committed); what it throws is logged, the post stands. */
  afterPost?(posting: MessagePosting): void;
}

/** The configured stages, in order (possibly none). */
export const MESSAGE_STAGES = Symbol('MessageStages');
