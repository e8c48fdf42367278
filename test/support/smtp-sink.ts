import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

/**
 * An SMTP server on loopback (on `listenPort`, or any free port) that keeps what it receives and
 * answers RCPT TO with `rcptAnswer`.
 */
export async function smtpSink(rcptAnswer?: { code: number; text: string }, listenPort = 0) {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (!rcptAnswer) return callback();
      callback(Object.assign(new Error(rcptAnswer.text), { responseCode: rcptAnswer.code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const envelope = session.envelope;
        received.push({
          from: (envelope.mailFrom as SMTPServerAddress).address,
          to: envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(listenPort, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { server, port, received, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A header's value in a raw message, folded lines joined. */
export function mailHeader(raw: string, name: string): string | undefined {
  const head = raw.split('\r\n\r\n')[0].replace(/\r\n[ \t]+/g, ' ');
  return new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1];
}
export function mailBody(raw: string): string {
  const body = raw.split('\r\n\r\n').slice(1).join('\r\n\r\n').trim();
  if (mailHeader(raw, 'Content-Transfer-Encoding') !== 'quoted-printable') return body;
  return body
    .replace(/=\r\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
