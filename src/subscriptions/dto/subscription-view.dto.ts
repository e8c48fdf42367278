import { ApiProperty } from '@nestjs/swagger';

/** A subscription as GET and listings show it. */
export class SubscriptionViewDto {
  @ApiProperty({ example: '57692ab13990b48c644bb7e6' })
  id!: string;

  @ApiProperty({ description: 'The queue (or topic) it delivers from.', example: 'fizbit' })
  source!: string;

  @ApiProperty({ example: 'http://10.0.0.7:8080/hooks/fizbit' })
  subscriber!: string;

  @ApiProperty({ type: 'integer', example: 3600 })
  ttl!: number;

  @ApiProperty({ type: 'integer', description: 'Seconds since its ttl was last set.' })
  age!: number;

  @ApiProperty({ type: 'object', additionalProperties: true })
  options!: Record<string, unknown>;

  @ApiProperty({ description: 'Whether the subscriber confirmed (when confirmation is required).' })
  confirmed!: boolean;
}
