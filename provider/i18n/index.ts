export { MESSAGES, type Language, type Messages, type MessageKey } from './messages.js';
export { negotiateLanguage } from './negotiate.js';
export { mailContent, mailLanguage, type MailKind, type MailContent, type MailData } from './mail-messages.js';
