import { ApiProperty } from '@nestjs/swagger';

/** A listing's link to its next page; its href keeps the caller's parameters and the new marker. */
export class LinkDto {
  @ApiProperty({ example: 'next' })
  rel!: string;

  @ApiProperty({ example: '/v2/queues?limit=10&marker=fizbit' })
  href!: string;
}
