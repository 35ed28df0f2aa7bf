import type { AddressInfo } from 'node:net';
import { domainToASCII } from 'node:url';
import type { Logger } from '../http/index.js';
import type { Mailbox } from './mailbox.js';
import { toMailHogMessage } from './mailhog-message.js';

const HOSTNAME = 'mailhog.example';
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

/**
 * smtp-server decodes an internationalized domain in MAIL FROM and RCPT TO to Unicode. MailHog shows
 * the address as it came over SMTP, and our mail (no SMTPUTF8) sends the ASCII (xn--) form: put it back.
 */
function asSent(address: string): string {
  const at = address.lastIndexOf('@');
  const domain = address.slice(at + 1);
  return at === -1 || /^[\x00-\x7f]*$/.test(domain) ? address : `${address.slice(0, at)}@${domainToASCII(domain) || domain}`;
}

export interface RunningCatcher {
  port: number;
  close(): Promise<void>;
}

/** The embedded catcher's SMTP side: accepts every message (no auth, no TLS) into the mailbox. */
export async function startSmtpCatcher(mailbox: Mailbox, port: number, host: string, logger: Logger): Promise<RunningCatcher> {
  const { SMTPServer } = await import('smtp-server');
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const message = toMailHogMessage(
          {
            from: session.envelope.mailFrom ? asSent(session.envelope.mailFrom.address) : '',
            to: session.envelope.rcptTo.map((rcpt) => asSent(rcpt.address)),
            data: Buffer.concat(chunks).toString('utf8'),
            helo: session.hostNameAppearsAs,
          },
          HOSTNAME,
          new Date(),
        );
        mailbox.add(message).then(
          () => {
            logger.debug(`mail caught for ${message.Raw.To.join(', ')}`);
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  server.on('error', (error) => logger.warn(`embedded SMTP: ${error.message}`));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
