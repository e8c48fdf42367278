import { PartialType } from '@nestjs/swagger';
import { CreateSubscriptionDto } from './create-subscription.dto';

/** PATCH …/subscriptions/{subscription}: the fields to change. */
export class UpdateSubscriptionDto extends PartialType(CreateSubscriptionDto) {}
