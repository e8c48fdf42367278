import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** POST …/subscriptions answers the subscription's id. */
export class CreatedSubscriptionDto {
  @ApiProperty({ example: '57692ab13990b48c644bb7e6' })
  subscription_id!: string;

  @ApiPropertyOptional({
    description: "Beyond Zaqar, shown this once when created: the key of its webhooks' X-Zaqar-Signature.",
  })
  signing_secret?: string;
}
