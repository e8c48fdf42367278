import { createTransport, type Transporter } from 'nodemailer';
import type { NotificationSettings } from '../config/notification-settings';
import type { DueDelivery } from '../storage/storage.contract';
import type { DeliveryOutcome } from './delivery-outcome';
import { pythonJson } from './python-json';

/**
 * Mails a delivery to a mailto: subscriber as Zaqar's mailto task does: the message with its
 * queue_name as JSON text; subject from the URI's `subject` or options.subject, sender from
 * options.from. SMTP 5xx is final; anything else that fails is tried again.
 */
export class EmailSender {
  private readonly transport: Transporter;

  constructor(smtp: NotificationSettings['smtp'], timeoutMs: number) {
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
    const subject = uriSubject(uri) ?? optionText(delivery, 'subject');
    // Zaqar's notifier marks every message before any task sees it, so mails carry the mark too
    const text = pythonJson({
      ...(delivery.message as Record<string, unknown>),
      Message_Type: 'Notification',
      queue_name: delivery.ref.queue,
    });
    try {
      await this.transport.sendMail({
        to: decodeURIComponent(uri.pathname),
        from: optionText(delivery, 'from'),
        subject,
        text,
      });
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
