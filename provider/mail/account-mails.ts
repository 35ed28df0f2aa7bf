import { displayName, type Account, type EmailVerification, type LinkTokens } from '../accounts/index.js';
import { mailLanguage } from '../i18n/index.js';
import type { Mailer } from './mailer.js';

/** The mails the accounts send, with links back to this issuer. */
export class AccountMails {
  constructor(
    readonly issuer: string,
    private readonly mailer: Mailer,
    private readonly tokens: LinkTokens,
  ) {}

  verificationCode(verification: EmailVerification, code: string, name: string): Promise<void> {
    return this.mailer.send({ to: verification.email, kind: 'verificationCode', language: mailLanguage(verification.locale), data: { code, name } });
  }

  verificationLink(verification: EmailVerification, token: string, name: string): Promise<void> {
    const url = `${this.issuer}/verify-email?token=${token}`;
    return this.mailer.send({ to: verification.email, kind: 'verificationLink', language: mailLanguage(verification.locale), data: { url, name } });
  }

  async passwordReset(account: Account): Promise<void> {
    const token = await this.tokens.issue('password-reset', account);
    const url = `${this.issuer}/reset-password?token=${token}`;
    await this.mailer.send({ to: account.email, kind: 'passwordReset', language: mailLanguage(account.locale), data: { url, name: displayName(account) } });
  }

  /** From a sign-in page, the link completes that sign-in when opened in the same browser. */
  async oneTimeLink(account: Account, interactionUid?: string): Promise<void> {
    const token = await this.tokens.issue('one-time-sign-in', account, interactionUid);
    const path = interactionUid ? `/interaction/${interactionUid}/one-time-link` : '/one-time-link';
    const url = `${this.issuer}${path}?token=${token}`;
    await this.mailer.send({ to: account.email, kind: 'oneTimeLink', language: mailLanguage(account.locale), data: { url, name: displayName(account) } });
  }

  accountCreated(account: Account): Promise<void> {
    return this.mailer.send({
      to: account.email,
      kind: 'accountCreated',
      language: mailLanguage(account.locale),
      data: { email: account.email, url: `${this.issuer}/account`, name: displayName(account) },
    });
  }
}
