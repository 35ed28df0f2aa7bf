import type { Store } from '../store/index.js';
import type { Account } from './account.js';
import { canonicalEmail, emailKey } from './email-address.js';

const bySub = (sub: string): string => `account:${sub}`;
const byEmail = (canonical: string): string => `account-email:${emailKey(canonical)}`;

/** Accounts by `sub`, with an e-mail index that finds an address in any case and either form of its domain. */
export class AccountRepository {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  findBySub(sub: string): Promise<Account | undefined> {
    return this.#store.get<Account>(bySub(sub));
  }

  async findByEmail(email: string): Promise<Account | undefined> {
    const canonical = canonicalEmail(email);
    if (canonical === undefined) return undefined;
    const sub = await this.#store.get<string>(byEmail(canonical));
    return sub === undefined ? undefined : this.findBySub(sub);
  }

  async save(account: Account): Promise<void> {
    await this.#store.set(bySub(account.sub), account);
    await this.#store.set(byEmail(account.email), account.sub);
  }

  async recordLogin(sub: string, atSeconds: number): Promise<void> {
    const account = await this.findBySub(sub);
    if (account) await this.save({ ...account, lastLoginAt: atSeconds });
  }
}
