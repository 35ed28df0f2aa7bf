import { randomBytes } from 'node:crypto';
import type { Store } from '../store/index.js';

/** Mailed links that act once: a password reset (1 hour) or a one-time sign-in (15 minutes). */
export type LinkKind = 'password-reset' | 'one-time-sign-in';
export const LINK_TOKEN_SECONDS: Record<LinkKind, number> = { 'password-reset': 60 * 60, 'one-time-sign-in': 15 * 60 };

export interface LinkToken {
  kind: LinkKind;
  sub: string;
  /** The sign-in (interaction) it was asked for from, which opening it in that browser completes. */
  interactionUid: string | undefined;
}

const key = (token: string) => `link-token:${token}`;

export class LinkTokens {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async issue(kind: LinkKind, sub: string, interactionUid?: string): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    await this.#store.set(key(token), { kind, sub, interactionUid } satisfies LinkToken, LINK_TOKEN_SECONDS[kind]);
    return token;
  }

  async peek(token: string, kind: LinkKind): Promise<LinkToken | undefined> {
    const found = await this.#store.get<LinkToken>(key(token));
    return found?.kind === kind ? found : undefined;
  }

  /** Uses the token up: a second use finds nothing. */
  async consume(token: string, kind: LinkKind): Promise<LinkToken | undefined> {
    const found = await this.peek(token, kind);
    if (found) await this.#store.delete(key(token));
    return found;
  }
}
