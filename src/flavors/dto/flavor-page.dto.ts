import { IntersectionType, PartialType, PickType } from '@nestjs/swagger';
import { Listing } from '../../common/dto/listing.dto';
import { FlavorDto } from './flavor.dto';

/** A flavor in a listing: its pools when it has some, its capabilities with detailed=true. */
class FlavorEntryDto extends IntersectionType(
  PickType(FlavorDto, ['name', 'href'] as const),
  PartialType(PickType(FlavorDto, ['pool_list', 'capabilities'] as const)),
) {}

/** GET /v2/flavors: a page of the project's flavors. */
export class FlavorPageDto extends Listing('flavors', FlavorEntryDto) {}
