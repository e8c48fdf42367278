import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LinkDto } from '../../common/dto/link.dto';
import { QueueMetadataDto } from './queue-metadata.dto';

class QueueEntryDto {
  @ApiProperty({ example: 'fizbit' })
  name!: string;

  @ApiProperty({ example: '/v2/queues/fizbit' })
  href!: string;

  @ApiPropertyOptional({ type: QueueMetadataDto, description: 'With detailed=true.' })
  metadata?: QueueMetadataDto;
}

/** GET /v2/queues (or /v2/topics): a page of the project's queues, under `queues` (or `topics`). */
export class QueuePageDto {
  @ApiPropertyOptional({ type: [QueueEntryDto], description: 'On /v2/queues and /v1.1/queues.' })
  queues?: QueueEntryDto[];

  @ApiPropertyOptional({ type: [QueueEntryDto], description: 'On /v2/topics.' })
  topics?: QueueEntryDto[];

  @ApiProperty({ type: [LinkDto], description: 'The next page; empty when this one is empty.' })
  links!: LinkDto[];

  @ApiPropertyOptional({
    type: 'integer',
    description: 'How many the project has, with with_count=true (absent when 0).',
  })
  count?: number;
}
