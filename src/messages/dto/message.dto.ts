import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { JSON_VALUE } from '../../openapi/json-value';

/** A message as lists, gets and claims show it. */
export class MessageDto {
  @ApiProperty({ example: '51db6f78c508f17ddc924357' })
  id!: string;

  @ApiProperty({
    description: "Its path; a claimed message's carries ?claim_id= for deleting it.",
    example: '/v2/queues/fizbit/messages/51db6f78c508f17ddc924357',
  })
  href!: string;

  @ApiProperty({ type: 'integer', example: 300 })
  ttl!: number;

  @ApiProperty({ type: 'integer', description: 'Seconds since it was posted.', example: 17 })
  age!: number;

  @ApiProperty({ ...JSON_VALUE, example: { event: 'BackupStarted' } })
  body!: unknown;

  @ApiPropertyOptional({ description: 'The MD5 of the body, with enable_checksum on.' })
  checksum?: string;
}
