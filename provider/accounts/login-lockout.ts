import type { Store } from '../store/index.js';

/** 8 failed passwords lock the account for 30 minutes; the count starts over after 10 quiet minutes. */
export const MAX_FAILED_PASSWORDS = 8;
export const LOCKOUT_SECONDS = 30 * 60;
export const FAILURE_WINDOW_SECONDS = 10 * 60;

const failuresKey = (sub: string) => `login-failures:${sub}`;
const lockKey = (sub: string) => `login-lock:${sub}`;

export class LoginLockout {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async isLocked(sub: string): Promise<boolean> {
    return (await this.#store.get(lockKey(sub))) !== undefined;
  }

  /** Counts a wrong password; true when this one locked the account. */
  async recordFailure(sub: string): Promise<boolean> {
    const failures = ((await this.#store.get<number>(failuresKey(sub))) ?? 0) + 1;
    if (failures >= MAX_FAILED_PASSWORDS) {
      await this.#store.set(lockKey(sub), true, LOCKOUT_SECONDS);
      await this.#store.delete(failuresKey(sub));
      return true;
    }
    await this.#store.set(failuresKey(sub), failures, FAILURE_WINDOW_SECONDS);
    return false;
  }

  async recordSuccess(sub: string): Promise<void> {
    await this.#store.delete(failuresKey(sub));
  }

  async unlock(sub: string): Promise<void> {
    await this.#store.delete(failuresKey(sub), lockKey(sub));
  }
}
