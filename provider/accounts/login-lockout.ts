import type { Store } from '../store/index.js';
import { VISMA_FACTS } from '../config/index.js';
import { AttemptLimit } from './attempt-limit.js';

/** Failed passwords lock the account for a while; the count starts over after a quiet window (VISMA_FACTS.password.lockout). */
const { maxFailures, lockSeconds, failureWindowSeconds } = VISMA_FACTS.password.lockout;

export class LoginLockout extends AttemptLimit {
  constructor(store: Store) {
    super(store, { name: 'login', maxFailures, windowSeconds: failureWindowSeconds, lockSeconds });
  }
}
