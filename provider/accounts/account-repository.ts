import { StoreContentionError, type Store } from '../store/index.js';
import type { Account } from './account.js';
import { canonicalEmail, emailKey } from './email-address.js';

const bySub = (sub: string): string => `account:${sub}`;
const byEmail = (canonical: string): string => `account-email:${emailKey(canonical)}`;
/** Every account's `sub`, so accounts can be listed (the Public API's tenant users). */
const ALL_SUBS = 'account-subs';
/** Tries of a create to claim an address that other creates and deletes keep changing. */
const CLAIM_ROUNDS = 5;

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
    const index = byEmail(account.email);
    for (let round = 1; round <= CLAIM_ROUNDS; round += 1) {
      if (await this.#store.setIfAbsent(index, account.sub)) return this.#created(account);
      const holder = await this.#store.get<string>(index);
      if (holder === undefined) continue; // freed meanwhile
      const existing = await this.findBySub(holder);
      if (existing) {
        await this.#store.delete(bySub(account.sub));
        return { account: existing, created: false };
      }
      // The address names an account being deleted (its record goes first): take the address over while it still names that one.
      if ((await this.#store.update<string>(index, (current) => (current === holder ? account.sub : undefined))) === account.sub) return this.#created(account);
    }
    await this.#store.delete(bySub(account.sub));
    throw new StoreContentionError(`${account.email} kept changing hands while an account was made for it; try again`);
  }

  async #created(account: Account): Promise<{ account: Account; created: true }> {
    await this.#store.addToSet(ALL_SUBS, account.sub);
    return { account, created: true };
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
    // Only while it still names this account: a create may have taken the address over meanwhile.
    await this.#store.deleteIf(byEmail(account.email), sub);
    await this.#store.removeFromSet(ALL_SUBS, sub);
    return account;
  }
}
