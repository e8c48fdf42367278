import type { ConfirmationType } from './confirmation-request';

export interface EmailTemplate {
  topic: string;
  /** `{0}` the queue's name, `{1}` the project, `{2}` the confirm link (Python's str.format). */
  body: string;
  sender: string;
}

/** Zaqar's defaults for subscription_ and unsubscribe_confirmation_email_template. */
export const CONFIRMATION_EMAIL_TEMPLATES: Record<ConfirmationType, EmailTemplate> = {
  SubscriptionConfirmation: {
    topic: 'Zaqar Notification - Subscription Confirmation',
    body:
      'You have chosen to subscribe to the queue: {0}. This queue belongs to project: {1}. ' +
      'To confirm this subscription, click or visit this link below: {2}',
    sender: 'Zaqar Notifications <no-reply@openstack.org>',
  },
  UnsubscribeConfirmation: {
    topic: 'Zaqar Notification - Unsubscribe Confirmation',
    body:
      'You have unsubscribed successfully to the queue: {0}. This queue belongs to project: {1}. ' +
      'To resubscribe this subscription, click or visit this link below: {2}',
    sender: 'Zaqar Notifications <no-reply@openstack.org>',
  },
};

/** Zaqar's refusal when there is no page to link to; the mail is not sent. */
export const NO_CONFIRMATION_PAGE = "Can't make confirmation email body, need a valid confirm url.";

/**
 * Zaqar's mailto task for a confirmation request: the template, with a link to the operator's
 * confirmation page carrying the signed fields in its query, unencoded, as Zaqar writes it.
 */
export function confirmationEmail(request: Record<string, unknown>, queue: string, page: string) {
  const template = CONFIRMATION_EMAIL_TEMPLATES[request.Message_Type as ConfirmationType];
  const field = (name: string) => String(request[name] ?? '');
  const link =
    `${page}?Signature=${field('URL-Signature')}&Methods=${field('URL-Methods')}&Paths=${field('URL-Paths')}` +
    `&Project=${field('X-Project-ID')}&Expires=${field('URL-Expires')}&Url=${field('WSGISubscribeURL')}` +
    `&Queue=${queue}`;
  const values = [queue, field('X-Project-ID'), link];
  const text = template.body.replace(/\{([012])\}/g, (_, index: string) => values[Number(index)]);
  return { subject: template.topic, from: template.sender, text };
}
