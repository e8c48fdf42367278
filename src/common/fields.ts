import { InvalidRequestBody } from './errors';

/**
 * Zaqar's sanitize(): reads a typed field from a document, with a default, or fails with
 * Zaqar's exact wording. Only integers count as "int" (Python's bool subclass aside).
 */
export function intField(document: Record<string, unknown>, name: string, fallback?: number): number {
  const value = document[name];
  if (value === undefined) {
    if (fallback === undefined) throw new InvalidRequestBody(`Missing "${name}" field.`);
    return fallback;
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new InvalidRequestBody(`The value of the "${name}" field must be a int.`);
  }
  return value;
}
