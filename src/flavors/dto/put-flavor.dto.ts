import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** PUT /v2/flavors/{flavor}: a named set of pools a queue can ask for (its _flavor). */
export class PutFlavorDto {
  @ApiProperty({ type: [String], minItems: 1, description: 'Registered pools.', example: ['pool-1'] })
  pool_list!: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: "Checked as an object and ignored: a flavor shows its pools' capabilities.",
  })
  capabilities?: Record<string, unknown>;
}
