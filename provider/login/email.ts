import { canonicalEmail } from '../accounts/index.js';

export type EmailProblem = 'emailRequired' | 'emailInvalid';

/**
 * The Username field: the address in its canonical form, or why it is none. Any well-formed address
 * is taken: whether an account exists is never revealed.
 */
export function readEmailField(value: string | undefined): { email: string; problem?: undefined } | { email?: undefined; problem: EmailProblem } {
  const given = value?.trim() ?? '';
  if (given === '') return { problem: 'emailRequired' };
  const email = canonicalEmail(given);
  return email === undefined ? { problem: 'emailInvalid' } : { email };
}
