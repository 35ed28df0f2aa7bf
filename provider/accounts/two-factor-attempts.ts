import type { Store } from '../store/index.js';
import { AttemptLimit } from './attempt-limit.js';

/** Five wrong codes in a row lock the second factor for five minutes. */
export const MAX_WRONG_CODES = 5;
export const LOCK_SECONDS = 5 * 60;
const STEP_MEMORY_SECONDS = 5 * 60;

const lastStepKey = (sub: string) => `2fa-last-step:${sub}`;

/** Wrong-code counting and the lock, and the last used time step (a code cannot be used twice). */
export class TwoFactorAttempts extends AttemptLimit {
  readonly #store: Store;

  constructor(store: Store) {
    super(store, { name: '2fa', maxFailures: MAX_WRONG_CODES, windowSeconds: LOCK_SECONDS, lockSeconds: LOCK_SECONDS });
    this.#store = store;
  }

  /**
   * Uses up the authenticator code of a time step: true for exactly one caller, and only when no code of
   * this or a later step was used before (an older code cannot follow a newer one).
   */
  async useTimeStep(sub: string, timeStep: number): Promise<boolean> {
    let used = false;
    await this.#store.update<number>(
      lastStepKey(sub),
      (last) => {
        used = last === undefined || timeStep > last;
        return used ? timeStep : undefined;
      },
      STEP_MEMORY_SECONDS,
    );
    return used;
  }

  /** Forgets failures, the lock and the last step (a new authenticator starts clean). */
  async forget(sub: string): Promise<void> {
    await this.unlock(sub);
    await this.#store.delete(lastStepKey(sub));
  }
}
