import { canonicalEmail } from '../accounts/email-address.js';

/**
 * An address the Public API is asked to look up, in the one canonical form; what is no address stays as
 * given, and matches nobody. (An address it is given to store is validated into that form, or refused
 * with ERROR_INVALID_EMAIL: validation.ts.)
 */
export const normaliseEmail = (email: string): string => canonicalEmail(email) ?? email.trim();
