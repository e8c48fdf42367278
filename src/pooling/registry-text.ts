import { BadRequest, InvalidRequestBody } from '../common/errors';
import { holdsNul } from '../common/nul-text';

// The registry keeps no name or field holding U+0000 on any store (PostgreSQL text cannot hold it).

/** Refuses a pool or flavor name holding U+0000. */
export function refuseNulName(kind: 'Pool' | 'Flavor', name: string): void {
  if (holdsNul(name)) throw new BadRequest('Invalid name', `${kind} names may not contain U+0000`);
}

/** Refuses a pool body whose `uri` or `flavor` holds U+0000. */
export function refuseNulFields(pool: { uri?: string; flavor?: string | null }): void {
  for (const field of ['uri', 'flavor'] as const) {
    if (holdsNul(pool[field])) throw new InvalidRequestBody(`\`${field}\` may not contain U+0000`);
  }
}
