import { backendsTakingTurns, dropJobQueues } from '../support/job-runners';
import { serversOnFreshStore } from '../support/lifecycle';
import { mailBody, mailHeader, smtpSink } from '../support/smtp-sink';
import { ZaqarClient } from './client';

/** Each back end once, the job runners taking turns: the mail path is the same for both. */
describe.each(backendsTakingTurns())('email notifications [%s, jobs %s]', (_backend, _runner, makeBackend, runner) => {
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  // The SMTP port is the sink's; a first sink only reserves it and is closed, so the server starts
  // with no SMTP server to talk to.
  const env: Record<string, string> = { ...runner.env() };
  beforeAll(async () => {
    const reserved = await smtpSink();
    env.SMTP_HOST = '127.0.0.1';
    env.SMTP_PORT = String(reserved.port);
    await reserved.stop();
  });
  const running = serversOnFreshStore(makeBackend, 1, env);
  afterAll(async () => {
    await sink?.stop();
    await dropJobQueues(env);
  });

  it('a mailto subscriber gets each message by SMTP, retried while the SMTP server is down', async () => {
    const api = new ZaqarClient(running.server.url);
    const created = await api.post('/v2/queues/mails/subscriptions', {
      json: {
        subscriber: 'mailto:ops@example.com?subject=Disk%20full',
        options: {
          from: 'zaqar@example.com',
          // tried again after 1 s, three times, then at 1 and 6 s (max - min >= 10, as Zaqar wants)
          _retry_policy: {
            retries_with_no_delay: 0,
            minimum_delay_retries: 3,
            minimum_delay: 1,
            maximum_delay: 11,
            maximum_delay_retries: 0,
          },
        },
      },
    });
    expect(created.status).toBe(201);
    await api.postMessages('mails', [{ body: { event: 'disk', free: '1%' }, ttl: 300 }]);
    // Nobody is listening yet: the first attempts fail, then the server comes up on the same port.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    sink = await smtpSink(undefined, Number(env.SMTP_PORT));
    const deadline = Date.now() + 15_000;
    while (sink.received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(sink.received).toHaveLength(1);
    const [mail] = sink.received;
    expect([mail.from, mail.to]).toEqual(['zaqar@example.com', ['ops@example.com']]);
    expect(mailHeader(mail.raw, 'To')).toBe('ops@example.com');
    expect(mailHeader(mail.raw, 'Subject')).toBe('Disk full');
    expect(mailBody(mail.raw)).toBe(
      '{"ttl": 300, "body": {"event": "disk", "free": "1%"}, "Message_Type": "Notification", "queue_name": "mails"}',
    );
    // Delivered once: nothing more arrives after the retries that failed.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(sink.received).toHaveLength(1);
  });
});
