import type { HeadersObject } from '@nestjs/swagger';

/** A response's Location header: where the created (or changed) resource is. */
export function locationHeader(description: string): HeadersObject {
  return { Location: { description, schema: { type: 'string' } } };
}
