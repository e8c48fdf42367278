import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { JSON_VALUE } from '../../openapi/json-value';

class StatsMessageDto {
  @ApiProperty({ type: 'integer' })
  age!: number;

  @ApiProperty({ type: 'integer' })
  ttl!: number;

  @ApiProperty(JSON_VALUE)
  body!: unknown;

  @ApiProperty({ type: String, nullable: true })
  claim_id!: string | null;

  @ApiProperty({ type: 'integer' })
  claim_count!: number;

  @ApiProperty({ example: '2026-01-01T12:00:00Z' })
  created!: string;

  @ApiProperty({ example: '/v2/queues/fizbit/messages/51db6f78c508f17ddc924357' })
  href!: string;
}

class MessageCountsDto {
  @ApiProperty({ type: 'integer' })
  claimed!: number;

  @ApiProperty({ type: 'integer' })
  free!: number;

  @ApiProperty({ type: 'integer' })
  total!: number;

  @ApiPropertyOptional({ type: StatsMessageDto, description: 'When the queue holds messages.' })
  oldest?: StatsMessageDto;

  @ApiPropertyOptional({ type: StatsMessageDto, description: 'When the queue holds messages.' })
  newest?: StatsMessageDto;
}

/** GET …/stats: how many messages the queue holds, claimed and free. */
export class QueueStatsDto {
  @ApiProperty({ type: MessageCountsDto })
  messages!: MessageCountsDto;
}
