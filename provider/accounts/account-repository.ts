import type { Store } from '../store/index.js';
import type { Account } from './account.js';
import { canonicalEmail, emailKey } from './email-address.js';

const bySub = (sub: string): string => `account:${sub}`;
const byEmail = (canonical: string): string => `account-email:${emailKey(canonical)}`;
/** Every account's `sub`, so accounts can be listed (the Public API's tenant users). */
const ALL_SUBS = 'account-subs';

/** Accounts by `sub`, with an e-mail index that holds one account per address, found in any case and either form of its domain. */
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

  /** Writes an account as a whole (fixtures, tests); code that changes one should use `update`. */
  async save(account: Account): Promise<void> {
    await this.#store.set(bySub(account.sub), account);
    await this.#store.set(byEmail(account.email), account.sub);
    await this.#store.addToSet(ALL_SUBS, account.sub);
  }

  /**
   * Adds a new account unless its address already has one: of concurrent creations for one address,
   * exactly one is kept. Answers the account that has the address.
   */
  async create(account: Account): Promise<{ account: Account; created: boolean }> {
    await this.#store.set(bySub(account.sub), account);
    if (await this.#store.setIfAbsent(byEmail(account.email), account.sub)) {
      await this.#store.addToSet(ALL_SUBS, account.sub);
      return { account, created: true };
    }
    await this.#store.delete(bySub(account.sub));
    const existing = await this.findByEmail(account.email);
    if (!existing) throw new Error(`the e-mail index names an account that does not exist: ${account.email}`);
    return { account: existing, created: false };
  }

  /**
   * Changes an account with no concurrent change lost; `change` returns the new account, or undefined to
   * leave it (it may run more than once). Answers the account as stored afterwards.
   */
  update(sub: string, change: (account: Account) => Account | undefined): Promise<Account | undefined> {
    return this.#store.update<Account>(bySub(sub), (account) => (account === undefined ? undefined : change(account)));
  }

  /** Counts a sign-in, unless the account is suspended. Answers the account as stored afterwards. */
  recordLogin(sub: string, atSeconds: number): Promise<Account | undefined> {
    return this.update(sub, (account) => (account.suspended ? undefined : { ...account, lastLoginAt: atSeconds, loginCount: (account.loginCount ?? 0) + 1 }));
  }

  /** Every account (no order). */
  async all(): Promise<Account[]> {
    const accounts = await Promise.all((await this.#store.setMembers(ALL_SUBS)).map((sub) => this.findBySub(sub)));
    return accounts.filter((account): account is Account => account !== undefined);
  }

  /**
   * Removes an account: its address is free again. Answers the account as it was, if there was one: of
   * concurrent deletes of one account, exactly one (the record is taken, read and deleted in one step).
   */
  async delete(sub: string): Promise<Account | undefined> {
    const account = await this.#store.take<Account>(bySub(sub));
    if (!account) return undefined;
    if ((await this.#store.get<string>(byEmail(account.email))) === sub) await this.#store.delete(byEmail(account.email));
    await this.#store.removeFromSet(ALL_SUBS, sub);
    return account;
  }
}
