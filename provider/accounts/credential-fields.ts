import { VISMA_FACTS } from '../config/index.js';
import { typedText } from '../http/page-form.js';
import type { MessageKey } from '../i18n/index.js';
import { MAX_EMAIL_LENGTH } from './email-address.js';

/** Longer than any code a page asks for: 6 digits, or the emergency code's 16 characters with dashes and spaces. */
const MAX_CODE_LENGTH = 64;

/** An e-mail address as typed in `Username`: trimmed, and too long to be one past 254 characters. */
export const emailText = () => typedText('emailInvalid', { max: MAX_EMAIL_LENGTH, trim: true });

/** A password as typed, untrimmed: none is longer than Visma's limit, so a longer one gets `message` unhashed. */
export const passwordText = (message: MessageKey) => typedText(message, { max: VISMA_FACTS.password.maxLength });

/** A new password and its confirmation (a confirmation longer than any password differs from the password). */
export const newPasswordFields = () => ({ Password: passwordText('passwordTooLong'), ConfirmPassword: passwordText('passwordsDiffer') });

/** A code as typed (authenticator or emergency code), trimmed: a longer one than any code gets `message` unchecked. */
export const codeText = (message: MessageKey) => typedText(message, { max: MAX_CODE_LENGTH, trim: true });
