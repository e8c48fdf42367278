import { StorageFull } from '../storage/storage-full';
import { ServiceUnavailable } from './errors';

/** What a client is told when the store's disk is full. */
const STORAGE_FULL =
  'The message store is out of disk space: nothing can be written until space is freed; reads still work.';

/**
 * The answer to a failure no handler foresaw (the store down or full, a bug), on every transport:
 * 503 as Zaqar answers storage errors, never 500.
 */
export function unavailableFor(error: unknown): ServiceUnavailable {
  return new ServiceUnavailable(error instanceof StorageFull ? STORAGE_FULL : 'The request could not be completed.');
}

/** What the log says of it: a full disk in one line (its stack only names the store's thread), else the stack. */
export function failureDetail(error: unknown): string {
  if (error instanceof StorageFull) return error.message;
  return (error as Error | null)?.stack ?? String(error);
}
