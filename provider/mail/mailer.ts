import type { Transporter } from 'nodemailer';
import type { Logger } from '../http/index.js';
import { renderTemplate } from '../http/index.js';
import { mailContent, type Language, type MailData, type MailKind } from '../i18n/index.js';
import type { Outbox, RenderedMail } from './outbox.js';
import { subjectHeader } from './subject-header.js';

export const SENDER = { name: 'Visma Connect', address: 'do.not.reply@mail.connect.visma.com' };

export interface MailRequest {
  to: string;
  kind: MailKind;
  language: Language;
  data: MailData;
}

/**
 * Renders a mail (HTML and text parts) and hands it to SMTP. When SMTP is unreachable the mail waits
 * in the outbox and is retried every `retryMs`, so the request that caused it still succeeds and no
 * mail is lost. `send` never throws. The SMTP URL may still be coming (the embedded catcher starts
 * after the server answers): sending waits for it, and nodemailer is loaded on the first mail.
 */
export class Mailer {
  readonly #smtpUrl: Promise<string>;
  #transport: Promise<Transporter> | undefined;
  readonly #outbox: Outbox;
  readonly #logger: Logger;
  readonly #timer: NodeJS.Timeout;
  #flushing = false;

  constructor(smtpUrl: Promise<string>, outbox: Outbox, logger: Logger, retryMs: number) {
    this.#smtpUrl = smtpUrl;
    this.#outbox = outbox;
    this.#logger = logger;
    this.#timer = setInterval(() => void this.flush(), retryMs);
    this.#timer.unref();
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
    try {
      await this.#deliver(mail);
    } catch (error) {
      const queued = await this.#outbox.add(mail, (error as Error).message);
      this.#logger.warn(`mail to ${mail.to} waits in the outbox (${queued.lastError}); retrying`);
    }
  }

  /** Retries every waiting mail once, oldest first; a store outage just waits for the next round. */
  async flush(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      const pending = await this.#outbox.pending().catch(() => []);
      for (const mail of pending) {
        try {
          await this.#deliver(mail);
          await this.#outbox.sent(mail);
          this.#logger.info(`mail to ${mail.to} sent from the outbox after ${mail.attempts} failed attempt(s)`);
        } catch (error) {
          await this.#outbox.failedAgain(mail, (error as Error).message);
        }
      }
    } finally {
      this.#flushing = false;
    }
  }

  close(): void {
    clearInterval(this.#timer);
    void this.#transport?.then((transport) => transport.close(), () => {});
  }

  #transporter(): Promise<Transporter> {
    this.#transport ??= Promise.all([this.#smtpUrl, import('nodemailer')]).then(([url, nodemailer]) => {
      const transport = nodemailer.default.createTransport(url, { from: SENDER });
      transport.set('connectionTimeout', 3000);
      return transport;
    });
    return this.#transport;
  }

  async #deliver(mail: RenderedMail): Promise<void> {
    // Base64 parts and a B-encoded subject: MailHog clients decode those right, but leave `_` in the
    // Q-encoded words nodemailer would otherwise pick.
    await (await this.#transporter()).sendMail({ from: SENDER, to: mail.to, ...subjectHeader(mail.subject), html: mail.html, text: mail.text, textEncoding: 'base64' });
    this.#logger.debug(`mail "${mail.subject}" sent to ${mail.to}`);
  }
}
