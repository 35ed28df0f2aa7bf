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

  override async recordSuccess(sub: string, timeStep?: number): Promise<void> {
    await super.recordSuccess(sub);
    if (timeStep !== undefined) await this.#store.set(lastStepKey(sub), timeStep, STEP_MEMORY_SECONDS);
  }

  async wasUsed(sub: string, timeStep: number): Promise<boolean> {
    const last = await this.#store.get<number>(lastStepKey(sub));
    return last !== undefined && timeStep <= last;
  }

  /** Forgets failures, the lock and the last step (a new authenticator starts clean). */
  async forget(sub: string): Promise<void> {
    await this.unlock(sub);
    await this.#store.delete(lastStepKey(sub));
  }
}
