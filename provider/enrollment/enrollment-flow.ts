import type { Account, AccountRepository, TwoFactorAttempts } from '../accounts/index.js';
import { hashEmergencyCode, newEmergencyCode, withoutSecondFactors } from '../accounts/index.js';
import { VISMA_FACTS } from '../config/index.js';
import type { Store } from '../store/index.js';
import type { Clock } from '../time/index.js';
import type { Enrollee } from './enrollment-place.js';

/** A setup not confirmed in time starts over with a new secret. */
const SETUP_SECONDS = VISMA_FACTS.twoFactor.setupSeconds;
const setupKey = (key: string) => `enrollment:${key}`;

/**
 * What every enrollment method shares: its pending setup (kept in the store under the place's key) and
 * the last step, which writes the new second factor together with a new emergency code.
 */
export class EnrollmentFlow {
  readonly #store: Store;
  readonly #accounts: AccountRepository;
  readonly #attempts: TwoFactorAttempts;
  /** The emulator's clock, which codes typed during enrollment are checked against. */
  readonly clock: Clock;

  constructor(store: Store, accounts: AccountRepository, attempts: TwoFactorAttempts, clock: Clock) {
    this.#store = store;
    this.#accounts = accounts;
    this.#attempts = attempts;
    this.clock = clock;
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
   * Gives the enrollee's account its new second factor (`factor` adds it to the account; it may run
   * more than once) and a new emergency code, answered to be shown once. When the enrollee replaces a
   * lost second factor, the account's earlier ones (app and security keys) stop working at once;
   * wrong-code counts start over.
   */
  async complete({ setupKey: key, account: { sub }, replacing }: Enrollee, factor: (account: Account) => Account): Promise<string> {
    const emergencyCode = await this.#withNewEmergencyCode(sub, replacing ? (account) => factor(withoutSecondFactors(account)) : factor);
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
