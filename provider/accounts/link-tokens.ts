import { randomBytes } from 'node:crypto';
import { VISMA_FACTS } from '../config/index.js';
import type { Store } from '../store/index.js';

/** Mailed links that act once: a password reset or a one-time sign-in, each with its lifetime (VISMA_FACTS.links). */
export type LinkKind = 'password-reset' | 'one-time-sign-in';
const LINK_TOKEN_SECONDS: Record<LinkKind, number> = { 'password-reset': VISMA_FACTS.links.passwordResetSeconds, 'one-time-sign-in': VISMA_FACTS.links.oneTimeSignInSeconds };

export interface LinkToken {
  kind: LinkKind;
  sub: string;
  /** The sign-in (interaction) it was asked for from, which opening it in that browser completes. */
  interactionUid: string | undefined;
}

const key = (kind: LinkKind, token: string) => `link-token:${kind}:${token}`;

export class LinkTokens {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async issue(kind: LinkKind, sub: string, interactionUid?: string): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    await this.#store.set(key(kind, token), { kind, sub, interactionUid } satisfies LinkToken, LINK_TOKEN_SECONDS[kind]);
    return token;
  }

  peek(token: string, kind: LinkKind): Promise<LinkToken | undefined> {
    return this.#store.get<LinkToken>(key(kind, token));
  }

  /** Uses the token up: of concurrent uses exactly one finds it. */
  consume(token: string, kind: LinkKind): Promise<LinkToken | undefined> {
    return this.#store.take<LinkToken>(key(kind, token));
  }
}
