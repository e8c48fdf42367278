import { createTransport, type Transporter } from 'nodemailer';
import type { NotificationSettings } from '../config/notification-settings';
import type { DueDelivery } from '../storage/storage.contract';
import { confirmationEmail, NO_CONFIRMATION_PAGE } from './confirmation-email';
import type { DeliveryOutcome } from './delivery-outcome';
import { outgoingMessage } from './outgoing-message';
import { pythonJson } from '../common/python-json';

/**
 * Mails a delivery to a mailto: subscriber as Zaqar's mailto task does: the message with its
 * queue_name as JSON text; subject from the URI's `subject` or options.subject, sender from
 * options.from. A confirmation request is mailed from Zaqar's templates instead, linking to the
 * confirmation page (external_confirmation_url); without one it fails for good, as Zaqar does not
 * send it either. SMTP 5xx is final; anything else that fails is tried again.
 */
export class EmailSender {
  private readonly transport: Transporter;

  constructor(
    smtp: NotificationSettings['smtp'],
    timeoutMs: number,
    private readonly confirmationPage?: string,
  ) {
    this.transport = createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
  }

  async send(delivery: DueDelivery): Promise<DeliveryOutcome> {
    const uri = new URL(delivery.subscriber);
    const to = decodeURIComponent(uri.pathname);
    let mail: { subject: string; from: string; text: string };
    if (delivery.kind === 'confirmation') {
      if (!this.confirmationPage) return { kind: 'rejected', reason: NO_CONFIRMATION_PAGE };
      mail = confirmationEmail(
        delivery.message.body as Record<string, unknown>,
        delivery.ref.queue,
        this.confirmationPage,
      );
    } else {
      const subject = uriSubject(uri) ?? optionText(delivery, 'subject');
      mail = { subject, from: optionText(delivery, 'from'), text: pythonJson(outgoingMessage(delivery)) };
    }
    try {
      await this.transport.sendMail({ to, ...mail });
      return { kind: 'delivered' };
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode ?? 0;
      const reason = (error as Error).message;
      return code >= 500 ? { kind: 'rejected', reason } : { kind: 'retry', reason };
    }
  }

  close(): void {
    this.transport.close();
  }
}

function optionText(delivery: DueDelivery, name: string): string {
  const value = delivery.options[name];
  return typeof value === 'string' ? value : '';
}

/**
 * The URI's `subject`, its name in any case and blank values skipped, as Zaqar reads the query
 * (parse_qs, keys lowered). Zaqar then sets the header to parse_qs's list and fails to send; we take the first.
 */
function uriSubject(uri: URL): string | undefined {
  for (const [name, value] of uri.searchParams) if (name.toLowerCase() === 'subject' && value !== '') return value;
  return undefined;
}
