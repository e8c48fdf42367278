import { ApiPropertyOptional } from '@nestjs/swagger';

/** POST …/share: what the pre-signed URL lets its holder do, without credentials. */
export class ShareQueueDto {
  @ApiPropertyOptional({
    enum: ['messages', 'subscriptions', 'claims'],
    isArray: true,
    description: "The queue's resources it reaches; messages if absent.",
  })
  paths?: string[];

  @ApiPropertyOptional({ type: [String], description: 'The methods it allows; GET if absent.', example: ['GET'] })
  methods?: string[];

  @ApiPropertyOptional({ description: 'When it expires (ISO 8601, UTC); in a day if absent.' })
  expires?: string;
}
