/** Deliveries not announced by a wake (retries, posts through other processes) are looked for this often. */
export const DELIVERY_POLL_MS = 1000;
/** Runs start at most this often, however many posts wake them: one lease serves them all. */
export const DELIVERY_MIN_GAP_MS = 20;

/**
 * Tells the delivery job that something may be due now (a post here has written deliveries to the
 * outbox). The in-process runner provides it without Redis, a BullMQ queue with Redis; the
 * notifier stage only knows this.
 */
export abstract class DeliveryTrigger {
  abstract wake(): void;
}
