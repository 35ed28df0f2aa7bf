export { Mailbox, type MailPage } from './mailbox.js';
export { startSmtpCatcher, type RunningCatcher } from './smtp-catcher.js';
export { startMailHogApi } from './mailhog-api.js';
export { Mailer, type MailRequest } from './mailer.js';
export { Outbox } from './outbox.js';
export type { MailHogMessage } from './mailhog-message.js';
export { AccountMails } from './account-mails.js';
export { mailboxPage } from './mailbox-page.js';
