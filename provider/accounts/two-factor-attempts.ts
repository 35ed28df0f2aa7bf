import type { Store } from '../store/index.js';

/** Five wrong codes in a row lock the second factor for five minutes. */
export const MAX_WRONG_CODES = 5;
export const LOCK_SECONDS = 5 * 60;
const STEP_MEMORY_SECONDS = 5 * 60;

const failuresKey = (sub: string) => `2fa-failures:${sub}`;
const lockKey = (sub: string) => `2fa-lock:${sub}`;
const lastStepKey = (sub: string) => `2fa-last-step:${sub}`;

/** Wrong-code counting, the lock, and the last used time step (a code cannot be used twice). */
export class TwoFactorAttempts {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async isLocked(sub: string): Promise<boolean> {
    return (await this.#store.get(lockKey(sub))) !== undefined;
  }

  /** Counts a wrong code; true when this one locked the second factor. */
  async recordFailure(sub: string): Promise<boolean> {
    const failures = ((await this.#store.get<number>(failuresKey(sub))) ?? 0) + 1;
    if (failures >= MAX_WRONG_CODES) {
      await this.#store.set(lockKey(sub), true, LOCK_SECONDS);
      await this.#store.delete(failuresKey(sub));
      return true;
    }
    await this.#store.set(failuresKey(sub), failures, LOCK_SECONDS);
    return false;
  }

  async recordSuccess(sub: string, timeStep?: number): Promise<void> {
    await this.#store.delete(failuresKey(sub));
    if (timeStep !== undefined) await this.#store.set(lastStepKey(sub), timeStep, STEP_MEMORY_SECONDS);
  }

  async wasUsed(sub: string, timeStep: number): Promise<boolean> {
    const last = await this.#store.get<number>(lastStepKey(sub));
    return last !== undefined && timeStep <= last;
  }

  async forget(sub: string): Promise<void> {
    await this.#store.delete(failuresKey(sub), lockKey(sub), lastStepKey(sub));
  }
}
