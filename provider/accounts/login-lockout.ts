import type { Store } from '../store/index.js';
import { AttemptLimit } from './attempt-limit.js';

/** 8 failed passwords lock the account for 30 minutes; the count starts over after 10 quiet minutes. */
export const MAX_FAILED_PASSWORDS = 8;
export const LOCKOUT_SECONDS = 30 * 60;
export const FAILURE_WINDOW_SECONDS = 10 * 60;

export class LoginLockout extends AttemptLimit {
  constructor(store: Store) {
    super(store, { name: 'login', maxFailures: MAX_FAILED_PASSWORDS, windowSeconds: FAILURE_WINDOW_SECONDS, lockSeconds: LOCKOUT_SECONDS });
  }
}
