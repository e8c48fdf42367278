import { ApiProperty } from '@nestjs/swagger';
import { JSON_VALUE } from '../../openapi/json-value';

/** A delivery that gave up after its retries (beyond Zaqar), kept for a redrive. */
export class FailedDeliveryDto {
  @ApiProperty()
  id!: string;

  @ApiProperty({ enum: ['notification', 'confirmation'] })
  kind!: string;

  @ApiProperty({ type: 'integer' })
  ttl!: number;

  @ApiProperty(JSON_VALUE)
  body!: unknown;

  @ApiProperty({ type: 'integer', description: 'How many times it was tried.' })
  attempts!: number;

  @ApiProperty({ description: 'Why the last try failed.' })
  error!: string;

  @ApiProperty({ format: 'date-time' })
  posted_at!: string;

  @ApiProperty({ format: 'date-time' })
  failed_at!: string;
}
