import type { SecondFactor } from '../accounts/index.js';
import type { FirstFactor } from './login-state.js';

/**
 * The `amr` of a sign-in, from Visma Connect's documented values: `pwd` (password), `email` (a mailed
 * one-time link), then with a second factor `otp` (TOTP or emergency code) or `hwk` (security key),
 * and `mfa`. A passkey (`pwdless`) verified the user on a device the user holds: two factors in one
 * step, so it always carries `mfa`.
 */
export function amrOf(firstFactor: FirstFactor, withTwoFactor: boolean, secondFactor: SecondFactor): string[] {
  if (firstFactor === 'pwdless') return ['pwdless', 'mfa'];
  return withTwoFactor ? [firstFactor, secondFactor, 'mfa'] : [firstFactor];
}
