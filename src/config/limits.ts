/**
 * Zaqar's [transport] options: every limit the API enforces, under Zaqar's own names and
 * defaults, so an operator's zaqar.conf carries over unchanged.
 */
export interface TransportLimits {
  default_message_ttl: number;
  default_message_delay: number;
  default_claim_ttl: number;
  default_claim_grace: number;
  default_subscription_ttl: number;
  max_queues_per_page: number;
  max_messages_per_page: number;
  max_subscriptions_per_page: number;
  max_messages_per_claim_or_pop: number;
  max_queue_metadata: number;
  max_messages_post_size: number;
  max_message_ttl: number;
  max_message_delay: number;
  max_claim_ttl: number;
  max_claim_grace: number;
  max_flavors_per_page: number;
  max_pools_per_page: number;
  subscriber_types: string[];
  /** 'strict': Client-ID must be a UUID; 'off': only its length is checked. */
  client_id_uuid_safe: 'strict' | 'off';
  min_length_client_id: number;
  max_length_client_id: number;
  message_delete_with_claim_id: boolean;
  message_encryption_algorithms: string;
}

export const DEFAULT_LIMITS: Readonly<TransportLimits> = Object.freeze({
  default_message_ttl: 3600,
  default_message_delay: 0,
  default_claim_ttl: 300,
  default_claim_grace: 60,
  default_subscription_ttl: 3600,
  max_queues_per_page: 20,
  max_messages_per_page: 20,
  max_subscriptions_per_page: 20,
  max_messages_per_claim_or_pop: 20,
  max_queue_metadata: 64 * 1024,
  max_messages_post_size: 256 * 1024,
  max_message_ttl: 1_209_600,
  max_message_delay: 900,
  max_claim_ttl: 43_200,
  max_claim_grace: 43_200,
  max_flavors_per_page: 20,
  max_pools_per_page: 20,
  subscriber_types: ['http', 'https', 'mailto', 'trust+http', 'trust+https'],
  client_id_uuid_safe: 'strict',
  min_length_client_id: 10,
  max_length_client_id: 36,
  message_delete_with_claim_id: false,
  message_encryption_algorithms: 'AES256',
});

/** Fixed floors of the API (Zaqar's validation module constants, not configurable there either). */
export const MIN_MESSAGE_TTL = 60;
export const MIN_CLAIM_TTL = 60;
export const MIN_CLAIM_GRACE = 60;
export const QUEUE_NAME_MAX_LENGTH = 64;
export const PROJECT_ID_MAX_LENGTH = 256;

/** The largest body or frame read at all: generous enough that Zaqar's own size checks, with their wording, see over-limit bodies first. */
export function maxRequestBytes(limits: TransportLimits): number {
  return 4 * Math.max(limits.max_messages_post_size, limits.max_queue_metadata);
}
