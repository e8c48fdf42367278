import type { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { LinkDto } from './link.dto';

/**
 * The wire shape of a Zaqar listing: a page of `item` under `key` and the link to the next page.
 * Extend it to name the schema: `class PoolPageDto extends Listing('pools', PoolDto) {}`.
 */
export function Listing(key: string, item: Type<unknown>): Type<object> {
  class Page {}
  ApiProperty({ type: [item], description: 'This page; empty past the last one.' })(Page.prototype, key);
  ApiProperty({ type: [LinkDto], description: 'The next page; empty when this one is empty.' })(
    Page.prototype,
    'links',
  );
  return Page;
}
