import { ApiProperty } from '@nestjs/swagger';

/** PUT …/confirm: the subscriber's answer to the confirmation request it was sent. */
export class ConfirmSubscriptionDto {
  @ApiProperty({ description: 'true to receive messages, false to stop.' })
  confirmed!: boolean;
}
