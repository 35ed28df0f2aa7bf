import type { Account, AccountRepository } from '../accounts/index.js';

/**
 * Accounts read at most once per request: at the code exchange oidc-provider's findAccount and the
 * access token's claims both need the signed-in account.
 */
export class RequestAccounts {
  readonly #reads = new WeakMap<object, Map<string, Promise<Account | undefined>>>();

  constructor(private readonly accounts: AccountRepository) {}

  /** The account as this request (`ctx`) first read it. */
  findBySub(ctx: object, sub: string): Promise<Account | undefined> {
    let reads = this.#reads.get(ctx);
    if (!reads) this.#reads.set(ctx, (reads = new Map<string, Promise<Account | undefined>>()));
    let read = reads.get(sub);
    if (!read) reads.set(sub, (read = this.accounts.findBySub(sub)));
    return read;
  }
}
