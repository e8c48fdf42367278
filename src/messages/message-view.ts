import type { MessageRecord } from '../storage/storage.contract';

/** A message as the API shows it (Zaqar's format_message). */
export interface MessageView {
  id: string;
  href: string;
  ttl: number;
  age: number;
  body: unknown;
}

export function queuePath(queue: string): string {
  return `/v2/queues/${queue}`;
}

/** Whole seconds since the message was created, as Zaqar counts age. */
export function ageOf(created: number, now: number): number {
  return Math.max(0, Math.floor((now - created) / 1000));
}

/** A claimed message's href carries the claim id, so its holder can delete it with that link. */
export function messageView(
  message: MessageRecord,
  queue: string,
  now: number,
  claimId = message.claimId,
): MessageView {
  const href = `${queuePath(queue)}/messages/${message.id}${claimId ? `?claim_id=${claimId}` : ''}`;
  return { id: message.id, href, ttl: message.ttl, age: ageOf(message.created, now), body: message.body };
}
