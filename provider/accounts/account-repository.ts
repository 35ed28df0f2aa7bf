import type { Store } from '../store/index.js';
import type { Account } from './account.js';

const bySub = (sub: string): string => `account:${sub}`;
const byEmail = (email: string): string => `account-email:${email.toLowerCase()}`;

/** Accounts by `sub`, with a case-insensitive e-mail index. */
export class AccountRepository {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  findBySub(sub: string): Promise<Account | undefined> {
    return this.#store.get<Account>(bySub(sub));
  }

  async findByEmail(email: string): Promise<Account | undefined> {
    const sub = await this.#store.get<string>(byEmail(email));
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
