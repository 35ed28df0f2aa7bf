import { canonicalEmail } from '../accounts/email-address.js';

/**
 * The Public API's one place for e-mail normalisation: every address it is given passes through here
 * before it is looked up or stored, into the one canonical form (what is no address stays as given, for
 * validation to refuse with ERROR_INVALID_EMAIL).
 */
export const normaliseEmail = (email: string): string => canonicalEmail(email) ?? email.trim();
