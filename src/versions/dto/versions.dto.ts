import { ApiProperty } from '@nestjs/swagger';
import { LinkDto } from '../../common/dto/link.dto';

class MediaTypeDto {
  @ApiProperty({ example: 'application/json' })
  base!: string;

  @ApiProperty({ example: 'application/vnd.openstack.messaging-v2+json' })
  type!: string;
}

class VersionDto {
  @ApiProperty({ example: '2' })
  id!: string;

  @ApiProperty({ enum: ['CURRENT', 'DEPRECATED'] })
  status!: string;

  @ApiProperty({ example: '2014-9-24T04:06:47Z' })
  updated!: string;

  @ApiProperty({ type: [MediaTypeDto] })
  'media-types'!: MediaTypeDto[];

  @ApiProperty({ type: [LinkDto], description: 'Its home document, rel self.' })
  links!: LinkDto[];
}

/** GET /: the API versions served (1.1 only when enabled). */
export class VersionsDto {
  @ApiProperty({ type: [VersionDto] })
  versions!: VersionDto[];
}
