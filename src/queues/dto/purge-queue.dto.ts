import { ApiProperty } from '@nestjs/swagger';

/** POST …/purge: what to remove, keeping the queue. Without a body both go. */
export class PurgeQueueDto {
  @ApiProperty({ enum: ['messages', 'subscriptions'], isArray: true, example: ['messages'] })
  resource_types!: Array<'messages' | 'subscriptions'>;
}
