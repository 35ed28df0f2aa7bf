export { MESSAGES, LANGUAGES, type Language, type Messages, type MessageKey } from './messages.js';
export { negotiateLanguage } from './negotiate.js';
