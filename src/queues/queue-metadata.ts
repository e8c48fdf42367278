import { validateRetryPolicy } from '../notifications/retry-schedule';
import { MIN_MESSAGE_TTL, TransportLimits } from '../config/limits';
import { InvalidApiRequest } from '../common/errors';
import type { DeadLetterPolicy, Metadata } from '../storage/storage.contract';

/**
 * Reserved queue metadata (keys starting with "_") that shapes how the queue behaves. Zaqar
 * shows each with its default when the queue does not set it.
 */
export function reservedDefaults(limits: TransportLimits): Metadata {
  return {
    _max_messages_post_size: limits.max_messages_post_size,
    _default_message_ttl: limits.default_message_ttl,
    _default_message_delay: limits.default_message_delay,
    _dead_letter_queue: null,
    _dead_letter_queue_messages_ttl: null,
    _max_claim_count: null,
    _enable_encrypt_messages: false,
  };
}

/** The metadata as Zaqar shows it: stored keys, with the `shown` reserved defaults filling falsy gaps. */
export function withReservedDefaults(metadata: Metadata, limits: TransportLimits, shown: readonly string[]): Metadata {
  const defaults = reservedDefaults(limits);
  const view: Metadata = { ...metadata };
  for (const key of shown) {
    if (!view[key]) view[key] = defaults[key];
  }
  return view;
}

const isInt = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value);

type Refusal = (description: string) => Error;

/** A set reserved key must be an integer (0, false and null count as unset, as in Zaqar). */
function intOption(metadata: Metadata, key: string, fail: Refusal): number | undefined {
  const value = metadata[key];
  if (value === undefined || value === null) return undefined;
  if (value && !isInt(value)) throw fail(`${key} must be integer.`);
  return value === false ? 0 : (value as number);
}

/**
 * Zaqar's checks of reserved metadata, with its wording. PUT reports them as an invalid API
 * request and PATCH as an invalid body, as Zaqar does; `fail` makes the error.
 */
export function checkReservedMetadata(
  metadata: Metadata,
  limits: TransportLimits,
  fail: Refusal = (description) => new InvalidApiRequest(description),
): void {
  const ttl = intOption(metadata, '_default_message_ttl', fail);
  if (ttl !== undefined && !(MIN_MESSAGE_TTL <= ttl && ttl <= limits.max_message_ttl)) {
    throw fail(
      `_default_message_ttl can not exceed ${limits.max_message_ttl} seconds, and must be at least ` +
        `${MIN_MESSAGE_TTL} seconds long.`,
    );
  }
  const postSize = intOption(metadata, '_max_messages_post_size', fail);
  if (postSize !== undefined && !(postSize > 0 && postSize <= limits.max_messages_post_size)) {
    throw fail(
      `_max_messages_post_size can not exceed ${limits.max_messages_post_size},  and must be at least greater than 0.`,
    );
  }
  intOption(metadata, '_max_claim_count', fail);
  const deadLetterTtl = intOption(metadata, '_dead_letter_queue_messages_ttl', fail);
  if (deadLetterTtl !== undefined && !(MIN_MESSAGE_TTL <= deadLetterTtl && deadLetterTtl <= limits.max_message_ttl)) {
    throw fail(
      `The TTL for a message may not exceed ${limits.max_message_ttl} seconds, and must be at least ` +
        `${MIN_MESSAGE_TTL} seconds long.`,
    );
  }
  const delay = intOption(metadata, '_default_message_delay', fail);
  if (delay !== undefined && !(delay >= 0 && delay <= limits.max_message_delay)) {
    throw fail(`The TTL can not exceed ${limits.max_message_delay} seconds, and must be at least 0 seconds long.`);
  }
  const encrypted = metadata._enable_encrypt_messages;
  if (encrypted && typeof encrypted !== 'boolean') {
    throw fail('_enable_encrypt_messages must be boolean.');
  }
  const retryPolicy = validateRetryPolicy(metadata);
  if (retryPolicy) throw fail(retryPolicy);
}

/** What posting needs from a queue's metadata, with the server's defaults filled in. */
export interface PostingPolicy {
  defaultTtl: number;
  defaultDelay: number;
  maxPostSize: number;
}

export function postingPolicy(metadata: Metadata, limits: TransportLimits): PostingPolicy {
  const queueMax = metadata._max_messages_post_size;
  return {
    defaultTtl: (metadata._default_message_ttl as number) || limits.default_message_ttl,
    defaultDelay: (metadata._default_message_delay as number) || limits.default_message_delay,
    maxPostSize:
      isInt(queueMax) && queueMax > 0
        ? Math.min(queueMax, limits.max_messages_post_size)
        : limits.max_messages_post_size,
  };
}

/** The dead-letter policy, when the queue sets both a max claim count and a dead-letter queue. */
export function deadLetterPolicy(metadata: Metadata): DeadLetterPolicy | undefined {
  const maxClaimCount = metadata._max_claim_count;
  const queue = metadata._dead_letter_queue;
  if (!isInt(maxClaimCount) || typeof queue !== 'string' || queue === '') return undefined;
  const ttl = metadata._dead_letter_queue_messages_ttl;
  return { maxClaimCount, queue, ttl: isInt(ttl) && ttl > 0 ? ttl : undefined };
}
