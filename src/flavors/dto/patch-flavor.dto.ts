import { PickType } from '@nestjs/swagger';
import { PutFlavorDto } from './put-flavor.dto';

/** PATCH /v2/flavors/{flavor}: the pools it has instead. */
export class PatchFlavorDto extends PickType(PutFlavorDto, ['pool_list'] as const) {}
