import { mailBody, mailHeader, smtpSink } from '../../test/support/smtp-sink';
import type { DueDelivery } from '../storage/storage.contract';
import { EmailSender } from './email.sender';

function delivery(subscriber: string, options: Record<string, unknown> = {}): DueDelivery {
  return {
    id: 'd1',
    ref: { project: 'p', queue: 'jobs' },
    subscriptionId: 's1',
    kind: 'notification',
    message: { ttl: 300, body: { event: 'disk' } },
    attempts: 0,
    posted: 0,
    subscriber,
    options,
    secret: 'unused',
    queueMetadata: {},
  };
}

describe('EmailSender', () => {
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  let sender: EmailSender;
  const connect = (port: number) => new EmailSender({ host: '127.0.0.1', port, secure: false }, 2000);

  afterEach(async () => {
    sender?.close();
    await new Promise<void>((resolve) => (sink ? sink.server.close(() => resolve()) : resolve()));
  });

  it('mails the message with its queue_name as Zaqar’s JSON, to the mailto path, from options.from', async () => {
    sink = await smtpSink();
    sender = connect(sink.port);
    const outcome = await sender.send(
      delivery('mailto:ops@example.com?subject=Disk%20full', { from: 'zaqar@example.com', subject: 'unused' }),
    );
    expect(outcome).toEqual({ kind: 'delivered' });
    expect(sink.received).toHaveLength(1);
    const [mail] = sink.received;
    expect(mail.from).toBe('zaqar@example.com');
    expect(mail.to).toEqual(['ops@example.com']);
    expect(mailHeader(mail.raw, 'To')).toBe('ops@example.com');
    expect(mailHeader(mail.raw, 'From')).toBe('zaqar@example.com');
    expect(mailHeader(mail.raw, 'Subject')).toBe('Disk full');
    expect(mailBody(mail.raw)).toBe(
      '{"ttl": 300, "body": {"event": "disk"}, "Message_Type": "Notification", "queue_name": "jobs"}',
    );
  });

  it.each([
    ['options.subject when the URI has none', 'mailto:ops@example.com', 'From options'],
    ['options.subject when the URI’s is blank', 'mailto:ops@example.com?subject=', 'From options'],
    ['the URI’s Subject in any case', 'mailto:ops@example.com?Subject=Disk+full', 'Disk full'],
  ])('takes the subject from %s', async (_case, subscriber, subject) => {
    sink = await smtpSink();
    sender = connect(sink.port);
    await sender.send(delivery(subscriber, { from: 'zaqar@example.com', subject: 'From options' }));
    expect(mailHeader(sink.received[0].raw, 'Subject')).toBe(subject);
  });

  it('a permanent SMTP refusal (5xx) is rejected, a transient one (4xx) retried', async () => {
    sink = await smtpSink({ code: 550, text: 'no such user' });
    sender = connect(sink.port);
    const refused = await sender.send(delivery('mailto:nobody@example.com', { from: 'zaqar@example.com' }));
    expect(refused.kind).toBe('rejected');
    sender.close();
    await new Promise<void>((resolve) => sink.server.close(() => resolve()));

    sink = await smtpSink({ code: 451, text: 'try later' });
    sender = connect(sink.port);
    const deferred = await sender.send(delivery('mailto:ops@example.com', { from: 'zaqar@example.com' }));
    expect(deferred.kind).toBe('retry');
    expect(sink.received).toHaveLength(0);
  });

  const confirmation = (type: string): DueDelivery => ({
    ...delivery('mailto:ops@example.com', { from: 'unused@example.com' }),
    kind: 'confirmation',
    message: {
      ttl: 0,
      body: {
        WSGISubscribeURL: 'http://zaqar:8888/v2/queues/jobs/subscriptions/s1/confirm',
        Message_Type: type,
        'URL-Signature': 'abc',
        'URL-Methods': 'PUT',
        'URL-Paths': '/v2/queues/jobs/subscriptions/s1/confirm',
        'X-Project-ID': 'p',
        'URL-Expires': '2030-01-01T00:00:00',
      },
    },
  });
  const link =
    'https://confirm.example.com/page?Signature=abc&Methods=PUT&Paths=/v2/queues/jobs/subscriptions/s1/confirm' +
    '&Project=p&Expires=2030-01-01T00:00:00&Url=http://zaqar:8888/v2/queues/jobs/subscriptions/s1/confirm&Queue=jobs';

  it.each([
    [
      'SubscriptionConfirmation',
      'Zaqar Notification - Subscription Confirmation',
      'You have chosen to subscribe to the queue: jobs. This queue belongs to project: p. ' +
        `To confirm this subscription, click or visit this link below: ${link}`,
    ],
    [
      'UnsubscribeConfirmation',
      'Zaqar Notification - Unsubscribe Confirmation',
      'You have unsubscribed successfully to the queue: jobs. This queue belongs to project: p. ' +
        `To resubscribe this subscription, click or visit this link below: ${link}`,
    ],
  ])("mails a %s from Zaqar's template, linking to the confirmation page", async (type, subject, text) => {
    sink = await smtpSink();
    sender = new EmailSender(
      { host: '127.0.0.1', port: sink.port, secure: false },
      2000,
      'https://confirm.example.com/page',
    );
    expect(await sender.send(confirmation(type))).toEqual({ kind: 'delivered' });
    const [mail] = sink.received;
    expect(mail.to).toEqual(['ops@example.com']);
    expect(mailHeader(mail.raw, 'From')).toBe('Zaqar Notifications <no-reply@openstack.org>');
    expect(mailHeader(mail.raw, 'Subject')).toBe(subject);
    expect(mailBody(mail.raw).replace(/\r\n/g, ' ').replace(/ +/g, ' ')).toBe(text);
  });

  it('without a confirmation page a confirmation is not mailed and fails for good, as in Zaqar', async () => {
    sink = await smtpSink();
    sender = connect(sink.port);
    expect(await sender.send(confirmation('SubscriptionConfirmation'))).toEqual({
      kind: 'rejected',
      reason: "Can't make confirmation email body, need a valid confirm url.",
    });
    expect(sink.received).toEqual([]);
  });

  it('no SMTP server listening is retried', async () => {
    sink = await smtpSink();
    const port = sink.port;
    await new Promise<void>((resolve) => sink.server.close(() => resolve()));
    sink = undefined as unknown as typeof sink;
    sender = connect(port);
    const outcome = await sender.send(delivery('mailto:ops@example.com', { from: 'zaqar@example.com' }));
    expect(outcome.kind).toBe('retry');
  });
});
