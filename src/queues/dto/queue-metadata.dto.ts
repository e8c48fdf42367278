import { ApiPropertyOptional } from '@nestjs/swagger';

/**
 * A queue's metadata: any keys (the schema leaves them open), and the reserved ones (starting with "_") that shape how it behaves.
 * PUT takes it as the body (an empty or absent body makes a queue without metadata); GET and PATCH
 * answer it with the reserved keys at their defaults where unset.
 */
export class QueueMetadataDto {
  @ApiPropertyOptional({
    type: 'integer',
    description: 'Most bytes one post may carry (max_messages_post_size, 262144).',
  })
  _max_messages_post_size?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'TTL of messages posted without one (default_message_ttl, 3600).',
  })
  _default_message_ttl?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'Delay of messages posted without one (default_message_delay, 0).',
  })
  _default_message_delay?: number;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Where a message goes once claimed _max_claim_count times.',
  })
  _dead_letter_queue?: string | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, description: 'The TTL it gets there; its own if unset.' })
  _dead_letter_queue_messages_ttl?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, description: 'Claims a message may take before it moves.' })
  _max_claim_count?: number | null;

  @ApiPropertyOptional({ description: "Encrypt the queue's message bodies at rest (needs an encryption key)." })
  _enable_encrypt_messages?: boolean;

  @ApiPropertyOptional({ description: 'With pooling: the flavor whose pools hold the queue.' })
  _flavor?: string;
}
