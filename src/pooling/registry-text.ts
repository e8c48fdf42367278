import { BadRequest, InvalidRequestBody } from '../common/errors';

/**
 * PostgreSQL text cannot hold U+0000, so the pooling registry keeps no name or field with one, on
 * any store: a write carrying one is refused (the PostgreSQL registry finds no such name on reads).
 */
const holdsNul = (text: string | null | undefined): boolean => typeof text === 'string' && text.includes('\0');

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
