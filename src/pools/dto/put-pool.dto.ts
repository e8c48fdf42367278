import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** PUT /v2/pools/{pool}: a storage back end queues can be placed on. */
export class PutPoolDto {
  @ApiProperty({ maxLength: 255, description: 'Its storage URL; it must answer.', example: 'postgres://db2/zaqar' })
  uri!: string;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: 4294967295, description: 'Its share of new queues.' })
  weight!: number;

  @ApiPropertyOptional({ maxLength: 255, description: 'The flavor it belongs to.' })
  flavor?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Driver options.' })
  options?: Record<string, unknown>;
}
