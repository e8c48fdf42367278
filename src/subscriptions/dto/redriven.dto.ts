import { ApiProperty } from '@nestjs/swagger';

/** POST …/failed answers how many failed deliveries it queued again. */
export class RedrivenDto {
  @ApiProperty({ type: 'integer', example: 3 })
  redriven!: number;
}
