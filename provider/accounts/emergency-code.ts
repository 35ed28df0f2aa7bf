import { createHash, randomInt } from 'node:crypto';
import { VISMA_FACTS } from '../config/index.js';
import type { AccountRepository } from './account-repository.js';

/** Letters and digits that cannot be mistaken for each other when read off a screen or paper. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** One emergency code per account, in groups (VISMA_FACTS.twoFactor.emergencyCode), e.g. `K7QM-2XRD-9PLA-TN4E`. */
export function newEmergencyCode(): string {
  const { length, groupLength } = VISMA_FACTS.twoFactor.emergencyCode;
  const chars = Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return chars.match(new RegExp(`.{1,${groupLength}}`, 'g'))!.join('-');
}

/** Dashes, spaces and case do not matter when the code is typed back. */
const normaliseEmergencyCode = (code: string): string => code.replace(/[\s-]/g, '').toUpperCase();

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
