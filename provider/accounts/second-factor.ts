import { credentialsOf, hasSecurityKey, type WithCredentials } from '../webauthn/credential.js';
import type { Account } from './account.js';

/** A second factor by the `amr` value a sign-in with it carries: `otp` (authenticator app, emergency code) or `hwk` (security key). */
export type SecondFactor = 'otp' | 'hwk';

/**
 * Enrolled in two-step verification: an authenticator app or a security key. A passkey is a sign-in of
 * its own, and the emergency code only stands in for these.
 */
export const hasSecondFactor = (account: Pick<Account, 'totpSecret'> & WithCredentials): boolean => account.totpSecret !== undefined || hasSecurityKey(account);

/** The account with two-step verification off: no authenticator app, no security key, no emergency code; passkeys stay. */
export const withoutSecondFactors = (account: Account): Account => ({
  ...account,
  totpSecret: undefined,
  emergencyCodeHash: undefined,
  webauthnCredentials: credentialsOf(account, 'passkey'),
});
