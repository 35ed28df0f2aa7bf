import { readFileSync } from 'node:fs';
import { projectPath, VISMA_FACTS } from '../config/index.js';
import type { Account } from './account.js';
import { verifyPassword } from './password-hash.js';

/** Visma Connect's rules: 8+ characters with a digit, an upper-case, a lower-case and a special character. */
export type PasswordProblem = 'passwordHasControlCharacter' | 'passwordTooShort' | 'passwordNeedsDigit' | 'passwordNeedsUpper' | 'passwordNeedsLower' | 'passwordNeedsSpecial' | 'passwordBreached' | 'passwordReused' | 'passwordsDiffer';

/** The password rules and how many of the last passwords cannot be chosen again (the current one included). */
const { minLength, history: rememberedPasswords } = VISMA_FACTS.password;

let breached: Set<string> | undefined;

/** The local breached-password list, read once when first needed. */
function breachedPasswords(): Set<string> {
  breached ??= new Set(
    readFileSync(projectPath('fixtures', 'breached-passwords.txt'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => line.toLowerCase()),
  );
  return breached;
}

/** Every rule the password breaks, in the order the page lists them. */
export function passwordRuleProblems(password: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  // No one types them, and scrypt's HMAC would not tell `X\0` from `X` (its key is padded with zeros): a
  // trailing NUL would let a listed password through as another.
  if (/\p{Cc}/u.test(password)) problems.push('passwordHasControlCharacter');
  if ([...password].length < minLength) problems.push('passwordTooShort');
  if (!/\p{Nd}/u.test(password)) problems.push('passwordNeedsDigit');
  if (!/\p{Lu}/u.test(password)) problems.push('passwordNeedsUpper');
  if (!/\p{Ll}/u.test(password)) problems.push('passwordNeedsLower');
  if (!/[^\p{L}\p{Nd}\s]/u.test(password)) problems.push('passwordNeedsSpecial');
  if (breachedPasswords().has(password.toLowerCase())) problems.push('passwordBreached');
  return problems;
}

async function wasUsedBefore(password: string, account: Account): Promise<boolean> {
  const previous = [account.passwordHash, ...account.passwordHistory].filter((hash): hash is string => hash !== undefined);
  for (const hash of previous.slice(0, rememberedPasswords)) {
    if (await verifyPassword(password, hash)) return true;
  }
  return false;
}

/** Checks a new password (and its confirmation) for an account; empty when it may be set. */
export async function newPasswordProblems(account: Account, password: string, confirmation: string): Promise<PasswordProblem[]> {
  const problems = passwordRuleProblems(password);
  if (problems.length === 0 && (await wasUsedBefore(password, account))) problems.push('passwordReused');
  if (password !== confirmation) problems.push('passwordsDiffer');
  return problems;
}

/** The account with a new password (its hash), the old one moved into the history. */
export function withPasswordHash(account: Account, passwordHash: string): Account {
  const history = account.passwordHash === undefined ? account.passwordHistory : [account.passwordHash, ...account.passwordHistory];
  return { ...account, passwordHash, passwordHistory: history.slice(0, rememberedPasswords - 1) };
}
