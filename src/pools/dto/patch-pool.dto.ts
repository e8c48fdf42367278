import { PartialType } from '@nestjs/swagger';
import { PutPoolDto } from './put-pool.dto';

/** PATCH /v2/pools/{pool}: the fields to change, at least one of them. */
export class PatchPoolDto extends PartialType(PutPoolDto) {}
