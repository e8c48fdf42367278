import { createSignature } from '../identity/signed-url/signed-url';

/** Zaqar's MessageType names for the two requests (zaqar.notification.notifier). */
export type ConfirmationType = 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';

export interface ConfirmationRequestInput {
  type: ConfirmationType;
  project: string;
  queue: string;
  /** What the subscribed resource is: "Queue", "Topic". */
  noun: string;
  /** The link the subscriber confirms at: /v2/queues/{name}/subscriptions/{id}/confirm. */
  confirmPath: string;
  /** Signs the confirm link ([signed_url] secret_key). */
  key: string;
  /** When the link stops working, ms; Zaqar signs it to the whole second. */
  expires: number;
  publicUrl: string;
  publicWebsocketUrl?: string;
  now: Date;
}

/**
 * The request Zaqar's send_confirm_notification hands to the subscriber's task, key for key and
 * in its order: the confirm link for PUT, signed for the subscription's project, and the two
 * bodies the subscriber may PUT there. Throws SignedUrlError when `expires` is not after `now`.
 */
export function confirmationRequest(input: ConfirmationRequestInput): Record<string, unknown> {
  const path = input.confirmPath;
  const resource = `${input.noun.toLowerCase()}: ${input.queue}`;
  const expires = new Date(Math.floor(input.expires / 1000) * 1000).toISOString();
  const signed = createSignature(input.key, [path], { project: input.project, methods: ['PUT'], expires }, input.now);
  const request: Record<string, unknown> = {
    // Zaqar joins the path to its public endpoints (urljoin): an absolute path replaces theirs.
    WSGISubscribeURL: new URL(path, input.publicUrl).href,
  };
  if (input.publicWebsocketUrl) request.WebSocketSubscribeURL = new URL(path, input.publicWebsocketUrl).href;
  return Object.assign(request, {
    Message_Type: input.type,
    Message:
      input.type === 'SubscriptionConfirmation'
        ? `You have chosen to subscribe to the ${resource}`
        : `You have unsubscribed successfully to the ${resource}, ` + 'you can resubscribe it by using confirmed=True.',
    'URL-Signature': signed.signature,
    'URL-Methods': signed.methods[0],
    'URL-Paths': signed.paths[0],
    'X-Project-ID': signed.project,
    'URL-Expires': signed.expires,
    SubscribeBody: { confirmed: true },
    UnsubscribeBody: { confirmed: false },
  });
}
