import { ApiProperty, OmitType } from '@nestjs/swagger';
import { MessageDto } from './message.dto';

class PoppedMessageDto extends OmitType(MessageDto, ['href'] as const) {
  @ApiProperty({ type: String, nullable: true, description: 'The claim that held it, if any.' })
  claim_id!: string | null;

  @ApiProperty({ type: 'integer', description: 'How many times it was claimed.' })
  claim_count!: number;
}

/** DELETE …/messages?pop=n answers the messages it took. */
export class PoppedMessagesDto {
  @ApiProperty({ type: [PoppedMessageDto] })
  messages!: PoppedMessageDto[];
}
