import type { MessageRecord } from '../storage/storage.contract';
import { bodyChecksum } from './bodies/body-checksum';

/** A message as the API shows it (Zaqar's format_message). */
export interface MessageView {
  id: string;
  href: string;
  ttl: number;
  age: number;
  body: unknown;
  checksum?: string;
}

export interface ViewOptions {
  /** enable_checksum: show the body's checksum. */
  checksum: boolean;
  /** The claim the href names; the message's own by default. */
  claimId?: string | null;
}

/** Whole seconds since the message was created, as Zaqar counts age. */
export function ageOf(created: number, now: number): number {
  return Math.max(0, Math.floor((now - created) / 1000));
}

/**
 * The message of the queue at `queueHref` (/v2/queues/{name}). A claimed message's href carries
 * the claim id, so its holder can delete it with that link.
 */
export function messageView(
  message: MessageRecord,
  queueHref: string,
  now: number,
  { checksum, claimId = message.claimId }: ViewOptions,
): MessageView {
  const href = `${queueHref}/messages/${message.id}${claimId ? `?claim_id=${claimId}` : ''}`;
  const { id, ttl, body } = message;
  return { id, href, ttl, age: ageOf(message.created, now), body, ...checksumField(body, checksum) };
}

/** Zaqar shows a checksum only when it has one. */
export function checksumField(body: unknown, enabled: boolean): { checksum?: string } {
  const checksum = enabled ? bodyChecksum(body) : undefined;
  return checksum === undefined ? {} : { checksum };
}
