import { Listing } from '../../common/dto/listing.dto';
import { SubscriptionViewDto } from './subscription-view.dto';

/** GET …/subscriptions: a page of the queue's (or topic's) subscriptions. */
export class SubscriptionPageDto extends Listing('subscriptions', SubscriptionViewDto) {}
