import { Listing } from '../../common/dto/listing.dto';
import { PoolDto } from './pool.dto';

/** GET /v2/pools: a page of the registered pools. */
export class PoolPageDto extends Listing('pools', PoolDto) {}
