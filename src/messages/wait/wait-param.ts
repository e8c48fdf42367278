import { InvalidApiRequest } from '../../common/errors';

/** The longest a list or claim may wait for a message, as SQS's WaitTimeSeconds. */
export const MAX_WAIT_SECONDS = 20;

/** `wait` (seconds, 0 when absent) as milliseconds; out of range is a 400. */
export function waitMs(wait: number | undefined): number {
  if (wait === undefined) return 0;
  if (!Number.isInteger(wait) || wait < 0 || wait > MAX_WAIT_SECONDS) {
    throw new InvalidApiRequest(`Wait must be at least 0 and may not be greater than ${MAX_WAIT_SECONDS} seconds.`);
  }
  return wait * 1000;
}
