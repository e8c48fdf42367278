import { ApiProperty } from '@nestjs/swagger';
import { ClaimedMessagesDto } from './claimed-messages.dto';

/** A claim as GET shows it: its terms and the messages it still holds. */
export class ClaimDto extends ClaimedMessagesDto {
  @ApiProperty({ type: 'integer', description: 'Seconds since it was made or last renewed.', example: 12 })
  age!: number;

  @ApiProperty({ type: 'integer', example: 300 })
  ttl!: number;

  @ApiProperty({ example: '/v2/queues/fizbit/claims/51db7067821e727dc24df754' })
  href!: string;
}
