import { createHash, randomBytes } from 'node:crypto';
import { VISMA_FACTS } from '../config/index.js';
import type { Store } from '../store/index.js';
import type { Account } from './account.js';
import type { AccountRepository } from './account-repository.js';

/** Mailed links that act once: a password reset or a one-time sign-in, each with its lifetime (VISMA_FACTS.links). */
export type LinkKind = 'password-reset' | 'one-time-sign-in';
const LINK_TOKEN_SECONDS: Record<LinkKind, number> = { 'password-reset': VISMA_FACTS.links.passwordResetSeconds, 'one-time-sign-in': VISMA_FACTS.links.oneTimeSignInSeconds };

interface LinkToken {
  kind: LinkKind;
  sub: string;
  /** The sign-in (interaction) it was asked for from, which opening it in that browser completes. */
  interactionUid: string | undefined;
  /** The account's password when the link was mailed (see passwordStamp). */
  passwordStamp: string;
}

/**
 * What a link is bound to: the account's password as it was when the link was mailed. A new password
 * (through a reset link or Account Settings) ends every link mailed before it, as ASP.NET Identity's
 * security stamp does.
 */
const passwordStamp = (account: Account): string =>
  createHash('sha256')
    .update(account.passwordHash ?? '')
    .digest('base64url')
    .slice(0, 22);

const key = (kind: LinkKind, token: string) => `link-token:${kind}:${token}`;

export class LinkTokens {
  readonly #store: Store;
  readonly #accounts: AccountRepository;

  constructor(store: Store, accounts: AccountRepository) {
    this.#store = store;
    this.#accounts = accounts;
  }

  async issue(kind: LinkKind, account: Account, interactionUid?: string): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    await this.#store.set(key(kind, token), { kind, sub: account.sub, interactionUid, passwordStamp: passwordStamp(account) } satisfies LinkToken, LINK_TOKEN_SECONDS[kind]);
    return token;
  }

  /** The account a link that still works acts for, the link left as it is. */
  async peek(token: string, kind: LinkKind): Promise<Account | undefined> {
    return this.#accountOf(await this.#store.get<LinkToken>(key(kind, token)));
  }

  /** Uses the link up: of concurrent uses exactly one gets its account. */
  async consume(token: string, kind: LinkKind): Promise<Account | undefined> {
    return this.#accountOf(await this.#store.take<LinkToken>(key(kind, token)));
  }

  async #accountOf(link: LinkToken | undefined): Promise<Account | undefined> {
    const account = link ? await this.#accounts.findBySub(link.sub) : undefined;
    return account && passwordStamp(account) === link?.passwordStamp ? account : undefined;
  }
}
