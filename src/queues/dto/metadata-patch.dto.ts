import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { JSON_VALUE } from '../../openapi/json-value';

/** One change of a queue metadata PATCH (Zaqar's restricted JSON patch); the body is an array of them. */
export class MetadataPatchDto {
  @ApiProperty({ enum: ['add', 'remove', 'replace'] })
  op!: 'add' | 'remove' | 'replace';

  @ApiProperty({ description: 'The key, as /metadata/<key>.', example: '/metadata/max_timeout' })
  path!: string;

  @ApiPropertyOptional({ ...JSON_VALUE, description: 'The new value; not with remove.', example: 100 })
  value?: unknown;
}
