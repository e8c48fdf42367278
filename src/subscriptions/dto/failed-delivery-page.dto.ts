import { Listing } from '../../common/dto/listing.dto';
import { FailedDeliveryDto } from './failed-delivery.dto';

/** GET …/failed: a page of a subscription's failed deliveries, oldest first. */
export class FailedDeliveryPageDto extends Listing('failed', FailedDeliveryDto) {}
