import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LinkDto } from '../../common/dto/link.dto';
import { MessageDto } from './message.dto';

/** GET …/messages: a page of the feed, or with `ids` the messages asked for (and no links). */
export class MessagePageDto {
  @ApiProperty({ type: [MessageDto] })
  messages!: MessageDto[];

  @ApiPropertyOptional({ type: [LinkDto], description: 'The next page; absent with `ids`, empty when no messages.' })
  links?: LinkDto[];
}
