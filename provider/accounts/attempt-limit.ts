import type { Store } from '../store/index.js';

export interface AttemptLimitRule {
  /** Names the keys: `<name>-failures:<subject>`, `<name>-lock:<subject>`. */
  name: string;
  maxFailures: number;
  /** Failures older than this (without a new one) are forgotten. */
  windowSeconds: number;
  lockSeconds: number;
}

/** N failures in a row (none more than the window apart) lock a subject for a while; a success starts the count over. */
export class AttemptLimit {
  constructor(
    private readonly store: Store,
    private readonly rule: AttemptLimitRule,
  ) {}

  async isLocked(subject: string): Promise<boolean> {
    return (await this.store.get(this.#lockKey(subject))) !== undefined;
  }

  /** Counts a failure; true when this one locked the subject. */
  async recordFailure(subject: string): Promise<boolean> {
    const failures = ((await this.store.get<number>(this.#failuresKey(subject))) ?? 0) + 1;
    if (failures >= this.rule.maxFailures) {
      await this.store.set(this.#lockKey(subject), true, this.rule.lockSeconds);
      await this.store.delete(this.#failuresKey(subject));
      return true;
    }
    await this.store.set(this.#failuresKey(subject), failures, this.rule.windowSeconds);
    return false;
  }

  async recordSuccess(subject: string): Promise<void> {
    await this.store.delete(this.#failuresKey(subject));
  }

  async unlock(subject: string): Promise<void> {
    await this.store.delete(this.#failuresKey(subject), this.#lockKey(subject));
  }

  #failuresKey = (subject: string) => `${this.rule.name}-failures:${subject}`;
  #lockKey = (subject: string) => `${this.rule.name}-lock:${subject}`;
}
