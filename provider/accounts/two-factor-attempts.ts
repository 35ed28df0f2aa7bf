import type { Store } from '../store/index.js';
import { VISMA_FACTS } from '../config/index.js';
import { AttemptLimit } from './attempt-limit.js';

/** Wrong codes in a row lock the second factor for a while (VISMA_FACTS.twoFactor.lockout). */
const { maxFailures, lockSeconds } = VISMA_FACTS.twoFactor.lockout;
/** A used time step is remembered past the tolerance window, so its code cannot be used again. */
const STEP_MEMORY_SECONDS = 5 * 60;

const lastStepKey = (sub: string) => `2fa-last-step:${sub}`;

/** Wrong-code counting and the lock, and the last used time step (a code cannot be used twice). */
export class TwoFactorAttempts extends AttemptLimit {
  readonly #store: Store;

  constructor(store: Store) {
    super(store, { name: '2fa', maxFailures, windowSeconds: lockSeconds, lockSeconds });
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
