import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** A pool as GET, PATCH and listings show it. */
export class PoolDto {
  @ApiProperty({ example: 'pool-1' })
  name!: string;

  @ApiProperty({ example: 'postgres://db2/zaqar' })
  uri!: string;

  @ApiProperty({ type: 'integer' })
  weight!: number;

  @ApiProperty({ type: String, nullable: true })
  flavor!: string | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'With detailed=true.' })
  options?: Record<string, unknown>;

  @ApiProperty({ example: '/v2/pools/pool-1' })
  href!: string;
}
