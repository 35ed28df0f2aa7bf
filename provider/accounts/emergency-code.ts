import { createHash, randomInt } from 'node:crypto';
import type { AccountRepository } from './account-repository.js';

/** Letters and digits that cannot be mistaken for each other when read off a screen or paper. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** One emergency code per account: 16 characters in groups of four, e.g. `K7QM-2XRD-9PLA-TN4E`. */
export function newEmergencyCode(): string {
  const chars = Array.from({ length: 16 }, () => ALPHABET[randomInt(ALPHABET.length)]);
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

/** Dashes, spaces and case do not matter when the code is typed back. */
export const normaliseEmergencyCode = (code: string): string => code.replace(/[\s-]/g, '').toUpperCase();

export function hashEmergencyCode(code: string): string {
  return createHash('sha256').update(normaliseEmergencyCode(code)).digest('base64url');
}

export const looksLikeEmergencyCode = (input: string): boolean => normaliseEmergencyCode(input).length >= 8 && !/^\d{6}$/.test(input.trim());

/**
 * Signs in with the emergency code, which is good once: it is replaced by a new one (answered, to be
 * shown right away) in the same step that checks it, so of concurrent uses exactly one gets a code.
 */
export async function useEmergencyCode(accounts: AccountRepository, sub: string, code: string): Promise<string | undefined> {
  const used = hashEmergencyCode(code);
  const replacement = newEmergencyCode();
  let matched = false;
  await accounts.update(sub, (account) => {
    matched = account.emergencyCodeHash === used;
    return matched ? { ...account, emergencyCodeHash: hashEmergencyCode(replacement) } : undefined;
  });
  return matched ? replacement : undefined;
}
