import { createServer, type AddressInfo, type Server } from 'node:net';
import type { SMTPServer } from 'smtp-server';
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
 *
 * A plain listener takes the connections and hands each to smtp-server, which is loaded and made by
 * the first one: a start that sends no mail does not load it (with the parts of nodemailer it uses).
 */
export async function startSmtpCatcher(mailbox: Mailbox, port: number, host: string, logger: Logger): Promise<RunningCatcher> {
  let made: Promise<{ server: SMTPServer; handOff: Server }> | undefined;
  const listener = createServer((socket) => {
    // A sender may reset the connection before smtp-server listens to the socket: while it loads, and
    // until the next turn of the event loop after the hand-off (where it checks for a PROXY header).
    // That is no error of the server's, so the socket keeps this listener.
    socket.on('error', () => undefined);
    made ??= smtpServer(mailbox, logger).then((server) => ({ server, handOff: takeOver(server, listener) }));
    made.then(
      ({ handOff }) => {
        if (!socket.destroyed) handOff.emit('connection', socket);
      },
      (error: Error) => {
        logger.error(`embedded SMTP: smtp-server could not be loaded: ${error.message}`);
        socket.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(port, host, () => resolve());
  });
  listener.on('error', (error) => logger.warn(`embedded SMTP: ${error.message}`));
  return {
    port: (listener.address() as AddressInfo).port,
    close: async () => {
      const server = await made?.then(
        (smtp) => smtp.server,
        () => undefined,
      );
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : listener.close(() => resolve())));
    },
  };
}

/**
 * Makes the listener smtp-server's own server, so that its close() stops the listener and, once its
 * closeTimeout has passed, ends the connections still open with 421, as when it listens itself.
 * Returns smtp-server's own (never listening) server, whose connection handler takes each socket.
 */
function takeOver(server: SMTPServer, listener: Server): Server {
  const handOff = server.server;
  server.server = listener;
  return handOff;
}

/** smtp-server, set up to catch mail into the mailbox; it listens on nothing itself (startSmtpCatcher hands it the connections). */
async function smtpServer(mailbox: Mailbox, logger: Logger): Promise<SMTPServer> {
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
  return server;
}
