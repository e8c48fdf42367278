/** What one attempt to tell a subscriber came to. */
export type DeliveryOutcome =
  | { kind: 'delivered' }
  /** Worth trying again later: the receiver failed or could not be reached. */
  | { kind: 'retry'; reason: string }
  /** Trying again cannot help: the receiver refused, or the target is not allowed. */
  | { kind: 'rejected'; reason: string };
