import type { Account, AccountRepository, TwoFactorAttempts } from '../accounts/index.js';
import { hashEmergencyCode, newEmergencyCode } from '../accounts/index.js';
import type { Store } from '../store/index.js';

/** A setup not confirmed within half an hour starts over with a new secret. */
const SETUP_SECONDS = 30 * 60;
const setupKey = (key: string) => `enrollment:${key}`;

/**
 * What every enrollment method shares: its pending setup (kept in the store under the place's key) and
 * the last step, which writes the new second factor together with a new emergency code.
 */
export class EnrollmentFlow {
  readonly #store: Store;
  readonly #accounts: AccountRepository;
  readonly #attempts: TwoFactorAttempts;

  constructor(store: Store, accounts: AccountRepository, attempts: TwoFactorAttempts) {
    this.#store = store;
    this.#accounts = accounts;
    this.#attempts = attempts;
  }

  /** The setup in progress under `key`, or the one `create` makes (kept for SETUP_SECONDS). */
  async setup<T>(key: string, create: () => Promise<T>): Promise<T> {
    const pending = await this.#store.get<T>(setupKey(key));
    if (pending !== undefined) return pending;
    const made = await create();
    await this.#store.set(setupKey(key), made, SETUP_SECONDS);
    return made;
  }

  pendingSetup<T>(key: string): Promise<T | undefined> {
    return this.#store.get<T>(setupKey(key));
  }

  /**
   * Gives the account its new second factor (`factor` changes the account; it may run more than once)
   * and a new emergency code, answered to be shown once. A factor replaced this way (a lost
   * authenticator) stops working at once; wrong-code counts start over.
   */
  async complete(key: string, sub: string, factor: (account: Account) => Account): Promise<string> {
    const emergencyCode = await this.#withNewEmergencyCode(sub, factor);
    await this.#store.delete(setupKey(key));
    await this.#attempts.forget(sub);
    return emergencyCode;
  }

  /** A new emergency code for an account that has a second factor ("Show a new emergency code"): the old one stops working. */
  reissueEmergencyCode(sub: string): Promise<string> {
    return this.#withNewEmergencyCode(sub, (account) => account);
  }

  async #withNewEmergencyCode(sub: string, change: (account: Account) => Account): Promise<string> {
    const emergencyCode = newEmergencyCode();
    await this.#accounts.update(sub, (account) => ({ ...change(account), emergencyCodeHash: hashEmergencyCode(emergencyCode) }));
    return emergencyCode;
  }

  /** The authenticator's code of this time step is used by the enrollment that confirmed it. */
  useTimeStep(sub: string, timeStep: number): Promise<boolean> {
    return this.#attempts.useTimeStep(sub, timeStep);
  }
}
