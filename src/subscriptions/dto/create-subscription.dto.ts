import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** POST …/subscriptions: who gets the queue's (or topic's) messages, and how. */
export class CreateSubscriptionDto {
  @ApiProperty({
    description: 'Where to deliver: an http(s), trust+http(s) or mailto URI, as subscriber_types allows.',
    example: 'http://10.0.0.7:8080/hooks/fizbit',
  })
  subscriber!: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 60,
    description: 'Seconds the subscription lives; default_subscription_ttl (3600) if absent.',
    example: 3600,
  })
  ttl?: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Delivery options: post_data and post_headers for webhooks, _retry_policy, subject for mail.',
  })
  options?: Record<string, unknown>;
}
