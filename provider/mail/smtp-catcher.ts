import type { AddressInfo } from 'node:net';
import { domainToASCII } from 'node:url';
import { VISMA_FACTS } from '../config/index.js';
import type { Logger } from '../http/index.js';
import { StoreOutageError } from '../store/index.js';
import type { Mailbox } from './mailbox.js';
import { toMailHogMessage } from './mailhog-message.js';

export const CATCHER_HOSTNAME = 'mailhog.example';
const MAX_MESSAGE_BYTES = VISMA_FACTS.mail.mailbox.maxMessageBytes;

/**
 * smtp-server decodes an internationalized domain in MAIL FROM and RCPT TO to Unicode. MailHog shows
 * the address as it came over SMTP, and our mail (no SMTPUTF8) sends the ASCII (xn--) form: put it back.
 */
function asSent(address: string): string {
  const at = address.lastIndexOf('@');
  const domain = address.slice(at + 1);
  return at === -1 || /^\p{ASCII}*$/u.test(domain) ? address : `${address.slice(0, at)}@${domainToASCII(domain) || domain}`;
}

export interface RunningCatcher {
  port: number;
  close(): Promise<void>;
}

/**
 * The embedded catcher's SMTP side: accepts every message (no auth, no TLS) into the mailbox. SIZE is
 * announced and enforced: a larger message is read to its end without being kept, then refused with
 * 552, so it costs no more memory than the limit.
 */
export async function startSmtpCatcher(mailbox: Mailbox, port: number, host: string, logger: Logger): Promise<RunningCatcher> {
  const { SMTPServer } = await import('smtp-server');
  /** smtp-server builds a TLS context from its built-in key and certificate at every start; with STARTTLS off none is ever used. */
  class PlainSMTPServer extends SMTPServer {
    override updateSecureContext(): void {}
  }
  const server = new PlainSMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    disableReverseLookup: true,
    // On shutdown an idle sender's connection (nodemailer pools them) gets 421 after a second, not 30.
    closeTimeout: 1000,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        if (!stream.sizeExceeded) chunks.push(chunk);
      });
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(Object.assign(new Error(`Message exceeds the fixed maximum message size of ${MAX_MESSAGE_BYTES} bytes`), { responseCode: 552 }));
          return;
        }
        const message = toMailHogMessage(
          {
            from: session.envelope.mailFrom ? asSent(session.envelope.mailFrom.address) : '',
            to: session.envelope.rcptTo.map((rcpt) => asSent(rcpt.address)),
            data: Buffer.concat(chunks).toString('utf8'),
            helo: session.hostNameAppearsAs,
          },
          CATCHER_HOSTNAME,
          new Date(),
        );
        mailbox.add(message).then(
          () => {
            logger.debug(`mail caught for ${message.Raw.To.join(', ')}`);
            callback();
          },
          // The store did not take it: a temporary failure, so the sender tries again.
          (error: Error) => callback(Object.assign(new Error(error instanceof StoreOutageError ? error.error_description : error.message), { responseCode: 451 })),
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
