import type { Transporter } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { VISMA_FACTS } from '../config/index.js';
import type { Logger } from '../http/index.js';
import { renderTemplate } from '../http/index.js';
import { mailContent, type Language, type MailData, type MailKind } from '../i18n/index.js';
import type { Mailbox } from './mailbox.js';
import { toMailHogMessage } from './mailhog-message.js';
import type { Outbox, QueuedMail, RenderedMail } from './outbox.js';
import { CATCHER_HOSTNAME } from './smtp-catcher.js';
import { subjectHeader } from './subject-header.js';

// A copy: nodemailer writes into the address object it is given.
const SENDER = { ...VISMA_FACTS.mail.sender };

/** Bounds on one SMTP delivery, so a server that accepts but never greets (or stalls) fails it. */
const SMTP_TIMEOUTS = { connectionTimeout: 3000, greetingTimeout: 3000, socketTimeout: 10_000, dnsTimeout: 3000 } as const;

export interface MailRequest {
  to: string;
  kind: MailKind;
  language: Language;
  data: MailData;
}

/** MAIL=embedded: straight into the mailbox. MAIL=smtp: through the outbox to this SMTP URL. */
export type MailRoute = { mailbox: Mailbox } | { smtpUrl: string };

/**
 * Renders a mail (HTML and text parts) and hands it on without waiting for any SMTP server. With the
 * embedded catcher the mail is composed as nodemailer would send it and parsed as the catcher would
 * catch it, into the mailbox, so it can be read as soon as the request that sent it has answered. With
 * SMTP the mail goes into the outbox (in the store) and is delivered in the background, with timeouts,
 * and retried every `retryMs` until SMTP takes it; no mail is lost and no request waits for SMTP.
 * nodemailer is loaded on the first mail.
 */
export class Mailer {
  readonly #route: MailRoute;
  #transport: Promise<Transporter> | undefined;
  readonly #outbox: Outbox;
  readonly #logger: Logger;
  readonly #timer: NodeJS.Timeout | undefined;
  #flushing = false;
  #flushAgain = false;

  constructor(route: MailRoute, outbox: Outbox, logger: Logger, retryMs: number) {
    this.#route = route;
    this.#outbox = outbox;
    this.#logger = logger;
    if ('smtpUrl' in route) {
      this.#timer = setInterval(() => void this.flush(), retryMs);
      this.#timer.unref();
    }
  }

  render({ to, kind, language, data }: MailRequest): RenderedMail {
    const mail = mailContent(kind, language, data);
    return {
      to,
      subject: mail.subject,
      html: renderTemplate('mail/mail.html', { mail, language }),
      text: renderTemplate('mail/mail.text', { mail, language }),
    };
  }

  async send(request: MailRequest): Promise<void> {
    const mail = this.render(request);
    if ('mailbox' in this.#route) {
      const composed = await (await this.#transporter()).sendMail(message(mail));
      const envelope = composed.envelope as { from: string; to: string[] };
      const data = (composed.message as Buffer).toString('utf8');
      await this.#route.mailbox.add(toMailHogMessage({ from: envelope.from, to: envelope.to, data, helo: '[127.0.0.1]' }, CATCHER_HOSTNAME, new Date()));
      this.#logger.debug(`mail "${mail.subject}" caught for ${mail.to}`);
      return;
    }
    await this.#outbox.add(mail);
    void this.flush();
  }

  /**
   * Tries the waiting mails, oldest first, each by one replica. A server that cannot be reached (or
   * does not greet) ends the round, so it costs one timeout per round and not one per mail; a store
   * outage just waits for the next round.
   */
  async flush(): Promise<void> {
    if (this.#flushing) {
      this.#flushAgain = true;
      return;
    }
    this.#flushing = true;
    try {
      do {
        this.#flushAgain = false;
        for (const mail of await this.#outbox.pending().catch(() => [])) {
          if ((await this.#tryToDeliver(mail)) === 'unreachable') break;
        }
      } while (this.#flushAgain);
    } finally {
      this.#flushing = false;
    }
  }

  close(): void {
    clearInterval(this.#timer);
    void this.#transport?.then(
      (transport) => transport.close(),
      () => {},
    );
  }

  async #tryToDeliver(mail: QueuedMail): Promise<'sent' | 'skipped' | 'refused' | 'unreachable'> {
    if (!(await this.#outbox.claim(mail).catch(() => false))) return 'skipped';
    try {
      await (await this.#transporter()).sendMail(message(mail));
    } catch (error) {
      const reason = (error as Error).message;
      if (mail.attempts === 0) this.#logger.warn(`mail to ${mail.to} waits in the outbox (${reason}); retrying`);
      await this.#outbox.failedAgain(mail, reason).catch(() => {});
      // A reply code means the server answered and refused this mail; without one it was not reached.
      return (error as { responseCode?: number }).responseCode === undefined ? 'unreachable' : 'refused';
    }
    this.#logger.debug(`mail "${mail.subject}" sent to ${mail.to}`);
    if (mail.attempts > 0) this.#logger.info(`mail to ${mail.to} sent from the outbox after ${mail.attempts} failed attempt(s)`);
    await this.#outbox.sent(mail).catch(() => {});
    return 'sent';
  }

  #transporter(): Promise<Transporter> {
    this.#transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      'mailbox' in this.#route
        ? nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' })
        : nodemailer.createTransport({ url: this.#route.smtpUrl, pool: true, maxConnections: 1, maxRequeues: 0, ...SMTP_TIMEOUTS }),
    );
    return this.#transport;
  }
}

/**
 * Base64 parts and a B-encoded subject: MailHog clients decode those right, but leave `_` in the
 * Q-encoded words nodemailer would otherwise pick.
 */
function message(mail: RenderedMail): Mail.Options {
  return { from: SENDER, to: mail.to, ...subjectHeader(mail.subject), html: mail.html, text: mail.text, textEncoding: 'base64' };
}
