import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { JSON_VALUE } from '../../openapi/json-value';

class NewMessageDto {
  @ApiProperty({ ...JSON_VALUE, description: 'Any JSON document.', example: { event: 'BackupStarted' } })
  body!: unknown;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 60,
    description: "Seconds until the message expires: 60 to max_message_ttl (1209600); the queue's default if absent.",
    example: 300,
  })
  ttl?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    description: "Seconds before it can be claimed: 0 to max_message_delay (900); the queue's default if absent.",
    example: 0,
  })
  delay?: number;
}

/** POST …/messages: one to ten messages (max_messages_per_page), at most max_messages_post_size bytes in all. */
export class PostMessagesDto {
  @ApiProperty({ type: [NewMessageDto], minItems: 1 })
  messages!: NewMessageDto[];
}
