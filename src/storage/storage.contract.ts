import type { PoolRegistry } from './pool-registry.contract';

/**
 * The storage contract: what the services need from a back end, and nothing about HTTP.
 *
 * Every call names its project (and queue where it has one): no query runs unscoped. Times are
 * milliseconds since the epoch and are always passed in (`now`), never read from a clock inside a
 * store, so TTL logic is testable and every node of a cluster agrees on what "expired" means.
 * TTLs, graces and delays are in seconds, as on Zaqar's wire.
 *
 * Every method takes the queue it works on, so a pooling layer can implement these same
 * interfaces by routing each call to the driver that holds that queue.
 */

export type Metadata = Record<string, unknown>;

export interface QueueRef {
  project: string;
  queue: string;
}

export interface QueueListing {
  name: string;
  /** Present only when the listing asked for details. */
  metadata?: Metadata;
}

export interface QueueListOptions {
  /** Names strictly greater than the marker, ascending. */
  marker?: string;
  limit: number;
  detailed: boolean;
}

/** A stored message as the services see it. */
export interface MessageRecord {
  id: string;
  body: unknown;
  /** Seconds; may have been raised by a claim's grace (Zaqar reports the raised value). */
  ttl: number;
  /** Creation time, ms. */
  created: number;
  /** The claim holding the message while that claim is valid, else null. */
  claimId: string | null;
  /** How many times the message has been claimed. */
  claimCount: number;
}

export interface NewMessage {
  body: unknown;
  ttl: number;
  delay: number;
}

/** Which subscribers a post notifies: every live one, or only the confirmed (`require_confirmation`). */
export type Notify = 'subscribed' | 'confirmed';

export interface MessageListOptions {
  /** Opaque marker returned by a previous page; messages strictly after it. */
  marker?: string;
  limit: number;
  /** Client-ID of the reader; its own messages are skipped unless `echo`. */
  clientId: string;
  echo: boolean;
  includeClaimed: boolean;
  includeDelayed: boolean;
}

export interface MessagePage {
  messages: MessageRecord[];
  /** Marker for the next page (after the last message returned); null when the page is empty. */
  marker: string | null;
}

/** Why a single delete did or did not happen; the service maps each to Zaqar's status. */
export type DeleteOutcome =
  | 'deleted'
  /** Queue or message does not exist: Zaqar answers 204 all the same. */
  | 'missing'
  /** Claimed, and no claim id was given. */
  | 'claimed'
  /** A claim id was given but the message is not claimed. */
  | 'not-claimed'
  /** A claim id was given that does not exist (or expired). */
  | 'no-such-claim'
  /** The message is held by another, valid claim. */
  | 'claimed-by-other';

export interface QueueStats {
  /** Messages held by a valid claim. */
  claimed: number;
  /** Live messages not held by a valid claim. */
  free: number;
  total: number;
  oldest?: MessageRecord;
  newest?: MessageRecord;
}

export interface DeadLetterPolicy {
  /** A message already claimed this many times moves to the dead-letter queue at its next claim. */
  maxClaimCount: number;
  /** Name of the dead-letter queue, same project; created if missing. */
  queue: string;
  /** New TTL (seconds) for moved messages; their own TTL when absent. */
  ttl?: number;
}

export interface ClaimOptions {
  ttl: number;
  grace: number;
  limit: number;
  deadLetter?: DeadLetterPolicy;
}

export interface ClaimedBatch {
  claimId: string;
  /** Empty when nothing was free to claim (the store creates no claim then). */
  messages: MessageRecord[];
  /** How many messages the claim moved to the dead-letter queue instead; absent: none. */
  deadLettered?: number;
}

export interface ClaimInfo {
  id: string;
  ttl: number;
  /** Claim creation time (or last renewal's), ms; age is computed from it. */
  updated: number;
  messages: MessageRecord[];
}

export interface SweepResult {
  messages: number;
  claims: number;
  subscriptions: number;
}

export interface QueueStore {
  /** Creates the queue; false when it already existed, whose metadata is then left as it was (Zaqar's PUT). */
  create(ref: QueueRef, metadata: Metadata, now: number): Promise<boolean>;
  /** The queue's metadata, or null when the queue does not exist. */
  getMetadata(ref: QueueRef): Promise<Metadata | null>;
  /** Replaces the metadata; false when the queue does not exist. */
  setMetadata(ref: QueueRef, metadata: Metadata): Promise<boolean>;
  /** Deletes the queue with all its messages, claims and subscriptions; a missing queue is not an error. */
  delete(ref: QueueRef): Promise<void>;
  list(project: string, options: QueueListOptions): Promise<QueueListing[]>;
  count(project: string): Promise<number>;
  /** Counts of live messages; a missing queue has all zeros. */
  stats(ref: QueueRef, now: number): Promise<QueueStats>;
}

export interface MessageStore {
  /**
   * Appends messages in order, creating the queue if needed, and returns their ids in the same
   * order. Ids become visible to listing in the order of a per-queue sequence, and a reader paging
   * with markers must never skip a message committed later with a smaller sequence: the store
   * serialises sequence assignment with commit. Durable when the promise resolves.
   *
   * With `notify`, the same transaction writes a Delivery of each message to each live
   * subscription of the queue ('confirmed': only confirmed ones), in message order.
   */
  post(ref: QueueRef, clientId: string, messages: NewMessage[], now: number, notify?: Notify): Promise<string[]>;
  /** Live messages in queue order after the marker, filtered as the options say. */
  list(ref: QueueRef, options: MessageListOptions, now: number): Promise<MessagePage>;
  get(ref: QueueRef, id: string, now: number): Promise<MessageRecord | null>;
  /** Live messages among `ids` (unknown or malformed ids are skipped), in queue order. */
  getMany(ref: QueueRef, ids: string[], now: number): Promise<MessageRecord[]>;
  delete(ref: QueueRef, id: string, claimId: string | undefined, now: number): Promise<DeleteOutcome>;
  /**
   * Deletes those of `ids` that exist and says how many it deleted. With `claimIds`, only messages
   * held by one of those valid claims are deleted and the result lists the ids that were refused.
   */
  deleteMany(
    ref: QueueRef,
    ids: string[],
    claimIds: string[] | undefined,
    now: number,
  ): Promise<{ deleted: number; refused: string[] }>;
  /** Removes and returns up to `limit` free, visible messages in queue order. */
  pop(ref: QueueRef, limit: number, now: number): Promise<MessageRecord[]>;
  /** Deletes every message and claim of the queue, keeping the queue. */
  purge(ref: QueueRef): Promise<void>;
}

export interface ClaimStore {
  /**
   * Atomically claims up to `limit` free, visible, live messages in queue order. A message is never
   * in two valid claims at once, across processes. Messages that would expire before the claim
   * ends plus grace live on until then.
   */
  create(ref: QueueRef, options: ClaimOptions, now: number): Promise<ClaimedBatch>;
  /** The claim with its live messages, or null when it does not exist or has expired. */
  get(ref: QueueRef, claimId: string, now: number): Promise<ClaimInfo | null>;
  /** Resets the claim's ttl from now; false when it does not exist or has expired. */
  renew(ref: QueueRef, claimId: string, ttl: number, grace: number, now: number): Promise<boolean>;
  /** Frees the claim's messages; a missing claim is not an error. */
  release(ref: QueueRef, claimId: string, now: number): Promise<void>;
}

/** A queue's subscriber, as stored. */
export interface SubscriptionRecord {
  /** UUID of version 7: listing by id is listing in creation order, to the millisecond. */
  id: string;
  /** The queue it belongs to (Zaqar's `source`). */
  queue: string;
  /** URI: http(s)://, trust+http(s)://, mailto:. Unique per project and queue. */
  subscriber: string;
  /** Seconds, as given at creation or by the last update that set it. */
  ttl: number;
  /** Creation time, ms; the subscription's age counts from it. */
  created: number;
  /** Live while expires > now (ms); set from `ttl` at creation and by any update of `ttl`. */
  expires: number;
  options: Metadata;
  confirmed: boolean;
}

export interface NewSubscription {
  subscriber: string;
  ttl: number;
  options: Metadata;
  /** Key of the HMAC that will sign each webhook request to this subscriber; never listed. */
  secret: string;
}

/** The fields an update sets; absent fields stay as they were. */
export interface SubscriptionChanges {
  subscriber?: string;
  ttl?: number;
  options?: Metadata;
}

export interface SubscriptionListOptions {
  /** Ids strictly greater than the marker, ascending. */
  marker?: string;
  limit: number;
}

export type SubscriptionCreated =
  | { created: true; subscription: SubscriptionRecord }
  /** The subscriber already has a live subscription on this queue: that one, unchanged. */
  | { created: false; subscription: SubscriptionRecord };

export type SubscriptionUpdate = 'updated' | 'missing' | /** the new subscriber is taken on this queue */ 'conflict';

export interface SubscriptionStore {
  /**
   * Creates the subscription, and the queue (metadata {}) when it does not exist, as Zaqar does.
   * Unique by (project, queue, subscriber) among live subscriptions, across processes.
   */
  create(ref: QueueRef, subscription: NewSubscription, now: number): Promise<SubscriptionCreated>;
  /** Live subscriptions of the queue in id order after the marker. */
  list(ref: QueueRef, options: SubscriptionListOptions, now: number): Promise<SubscriptionRecord[]>;
  /** The live subscription, or null (unknown, expired, malformed id or another queue's). */
  get(ref: QueueRef, id: string, now: number): Promise<SubscriptionRecord | null>;
  update(ref: QueueRef, id: string, changes: SubscriptionChanges, now: number): Promise<SubscriptionUpdate>;
  /** Sets `confirmed`; false when the subscription does not exist (or expired). */
  confirm(ref: QueueRef, id: string, confirmed: boolean, now: number): Promise<boolean>;
  /** A missing subscription is not an error. */
  delete(ref: QueueRef, id: string): Promise<void>;
  /** Deletes every subscription of the queue (purge with resource_types subscriptions). */
  purge(ref: QueueRef): Promise<void>;
}

/** One storage back end: what a provider module builds from its URL. */
export interface StorageDriver {
  readonly queues: QueueStore;
  readonly messages: MessageStore;
  readonly claims: ClaimStore;
  readonly subscriptions: SubscriptionStore;
  readonly deliveries: DeliveryStore;
  /** Pools, flavors and the catalog, when this store is the management store of pooling. */
  readonly registry: PoolRegistry;
  /** Removes expired messages, claims and subscriptions for good (they are already invisible to queries). */
  sweep(now: number): Promise<SweepResult>;
  /** True when the back end answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export const STORAGE_DRIVER = Symbol('StorageDriver');
export const QUEUE_STORE = Symbol('QueueStore');
export const MESSAGE_STORE = Symbol('MessageStore');
export const CLAIM_STORE = Symbol('ClaimStore');
export const SUBSCRIPTION_STORE = Symbol('SubscriptionStore');

/**
 * One message on its way to one subscriber. Rows are written in the same transaction as the post
 * they come from (a transactional outbox), one per live subscription of the queue at that moment,
 * so a 201 means every subscriber will be told, even if the process dies right after.
 */
export interface Delivery {
  id: string;
  ref: QueueRef;
  subscriptionId: string;
  kind: DeliveryKind;
  /**
   * A notification's: what was posted, as Zaqar's notifier hands it on (the message's ttl and
   * body). A confirmation's: the request as Zaqar builds it, ttl 0.
   */
  message: { ttl: number; body: unknown };
  /** Attempts made so far (0 for a fresh delivery). */
  attempts: number;
  /** The message's post time, ms. */
  posted: number;
}

/**
 * 'notification': a posted message. 'confirmation': Zaqar's SubscriptionConfirmation or
 * UnsubscribeConfirmation request to the subscriber, sent whether or not it is confirmed.
 */
export type DeliveryKind = 'notification' | 'confirmation';

/** A confirmation request for the outbox (notifications are written by the post itself). */
export interface NewConfirmation {
  ref: QueueRef;
  subscriptionId: string;
  body: Record<string, unknown>;
}

/** A delivery as the sender needs it: with the subscription and queue as they are now. */
export interface DueDelivery extends Delivery {
  subscriber: string;
  options: Metadata;
  /** The subscription's HMAC key. */
  secret: string;
  /** The queue's metadata (its `_retry_policy`), {} when the queue has none. */
  queueMetadata: Metadata;
}

/** A delivery that exhausted its retry policy or was refused for good. */
export interface FailedDelivery extends Delivery {
  failed: number;
  error: string;
}

export interface FailedListOptions {
  marker?: string;
  limit: number;
}

export interface DeliveryStore {
  /**
   * Leases up to `limit` deliveries that are due (their next attempt is at or before `now`) and
   * not leased, for `leaseMs`: nobody else leases them meanwhile, across processes. A lease that
   * ends unsettled (its process died) makes the delivery due again: at least once. Deliveries
   * whose subscription has ended are dropped instead of returned.
   */
  lease(limit: number, now: number, leaseMs: number): Promise<DueDelivery[]>;
  /** Writes a confirmation delivery, due at `now`. */
  enqueueConfirmation(confirmation: NewConfirmation, now: number): Promise<void>;
  /** Delivered (or handed to another job runner): the delivery is removed. */
  complete(ids: string[]): Promise<void>;
  /** Failed for now: tried again at `nextAttempt` (ms); `attempts` is the count made so far. */
  retry(id: string, attempts: number, nextAttempt: number, error: string): Promise<void>;
  /** Failed for good: moved to its subscription's failed list (whether or not it is still stored here). */
  fail(delivery: Delivery, error: string, now: number): Promise<void>;
  /** The subscription's failed deliveries, oldest first, after the marker (a failed delivery's id). */
  listFailed(ref: QueueRef, subscriptionId: string, options: FailedListOptions): Promise<FailedDelivery[]>;
  /** Moves the subscription's failed deliveries back to be delivered now, attempts reset; returns how many. */
  redrive(ref: QueueRef, subscriptionId: string, now: number): Promise<number>;
  /** Failed deliveries in the whole store (health shows it). */
  failedCount(): Promise<number>;
}

export const DELIVERY_STORE = Symbol('DeliveryStore');
