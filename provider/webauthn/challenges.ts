import { randomBytes } from 'node:crypto';
import type { Store } from '../store/index.js';

/** What a challenge was issued for: a passkey sign-in, a security key at 2FA, or making a credential. */
export type CeremonyPurpose = 'passkey-sign-in' | 'security-key' | 'register-passkey' | 'register-security-key';

interface IssuedChallenge {
  binding: string;
  purpose: CeremonyPurpose;
}

/** Long enough for a user to find and touch a key; the browser's own timeout is the same. */
export const CHALLENGE_SECONDS = 5 * 60;
const key = (challenge: string): string => `webauthn-challenge:${challenge}`;

/**
 * Challenges are single use and bound to what asked for them (an interaction, or an Account Settings
 * session): an answer is good once, in the ceremony it was made for.
 */
export class WebAuthnChallenges {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async issue(binding: string, purpose: CeremonyPurpose): Promise<string> {
    const challenge = randomBytes(32).toString('base64url');
    await this.#store.set(key(challenge), { binding, purpose } satisfies IssuedChallenge, CHALLENGE_SECONDS);
    return challenge;
  }

  /**
   * True for the one caller that takes a live challenge issued for this binding and purpose. Read before
   * it is taken: an answer posted to another ceremony is refused without using up the challenge of its own.
   */
  async take(challenge: string, binding: string, purpose: CeremonyPurpose): Promise<boolean> {
    const issued = await this.#store.get<IssuedChallenge>(key(challenge));
    if (issued?.binding !== binding || issued.purpose !== purpose) return false;
    return (await this.#store.take<IssuedChallenge>(key(challenge))) !== undefined;
  }
}
