import { ApiProperty } from '@nestjs/swagger';

/** POST …/messages answers the new messages' paths, in the order posted. */
export class PostedMessagesDto {
  @ApiProperty({ type: [String], example: ['/v2/queues/fizbit/messages/51db6f78c508f17ddc924357'] })
  resources!: string[];
}
