import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';

/** How one probed operation went; registered beside HealthDto (ApiExtraModels), which maps to it. */
export class OperationStatusDto {
  @ApiProperty()
  succeeded!: boolean;

  @ApiProperty({ description: 'How long it took.' })
  seconds!: number;

  @ApiProperty({ type: String, nullable: true, description: 'The error, when it failed.' })
  ref!: string | null;
}

class NotificationHealthDto {
  @ApiProperty({ type: 'integer', nullable: true, description: 'Deliveries that gave up, in every project.' })
  failed_deliveries!: number | null;
}

/** GET /v2/health: each basic operation tried once on a throw-away queue. */
export class HealthDto {
  @ApiProperty()
  storage_reachable!: boolean;

  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(OperationStatusDto) },
    description: 'By operation: create_queue, post_messages, claim_messages, list_messages, delete_queue…',
  })
  operation_status!: Record<string, OperationStatusDto>;

  @ApiPropertyOptional({ type: NotificationHealthDto, description: 'Beyond Zaqar; when storage is reachable.' })
  notifications?: NotificationHealthDto;
}
