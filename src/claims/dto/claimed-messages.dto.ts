import { ApiProperty } from '@nestjs/swagger';
import { MessageDto } from '../../messages/dto/message.dto';

/** POST …/claims answers the messages claimed; their hrefs carry the claim id. */
export class ClaimedMessagesDto {
  @ApiProperty({ type: [MessageDto] })
  messages!: MessageDto[];
}
