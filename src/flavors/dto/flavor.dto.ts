import { ApiProperty } from '@nestjs/swagger';

/** A flavor as GET and PATCH show it. */
export class FlavorDto {
  @ApiProperty({ example: 'fast' })
  name!: string;

  @ApiProperty({ type: [String], description: "What its pools' storage can do." })
  capabilities!: string[];

  @ApiProperty({ type: [String], example: ['pool-1'] })
  pool_list!: string[];

  @ApiProperty({ example: '/v2/flavors/fast' })
  href!: string;
}
