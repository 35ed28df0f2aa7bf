import type { Store } from '../store/index.js';

export interface AttemptLimitRule {
  /** Names the key: `<name>-failures:<subject>`. */
  name: string;
  maxFailures: number;
  /** Failures older than this (without a new one) are forgotten. */
  windowSeconds: number;
  lockSeconds: number;
}

/**
 * N failures in a row (none more than the window apart) lock a subject for a while; a success starts
 * the count over. An attempt takes its place in the count before it is checked, so concurrent attempts
 * cannot all pass a check made before any of them failed: of any number at once, at most N are checked.
 * The count that reached N is the lock.
 */
export class AttemptLimit {
  constructor(
    private readonly store: Store,
    private readonly rule: AttemptLimitRule,
  ) {}

  /** Failures counted now (attempts being checked included). */
  async failures(subject: string): Promise<number> {
    return (await this.store.get<number>(this.#key(subject))) ?? 0;
  }

  /**
   * Takes a place for one attempt: a ticket to check it, then to report its outcome; undefined while the
   * subject is locked (the attempt must not be checked).
   */
  async begin(subject: string): Promise<Attempt | undefined> {
    const place = await this.store.increment(this.#key(subject), this.rule.windowSeconds, this.rule.maxFailures);
    if (place === undefined) return undefined;
    return {
      failed: async () => {
        if (place < this.rule.maxFailures) return false;
        // The last allowed failure: the count stays at the limit for the lock's length.
        await this.store.update<number>(this.#key(subject), (count) => count, this.rule.lockSeconds);
        return true;
      },
      succeeded: () => this.store.delete(this.#key(subject)),
    };
  }

  async unlock(subject: string): Promise<void> {
    await this.store.delete(this.#key(subject));
  }

  #key = (subject: string) => `${this.rule.name}-failures:${subject}`;
}

export interface Attempt {
  /** Counts it as a failure (it already is); true when this one locked the subject. */
  failed(): Promise<boolean>;
  succeeded(): Promise<void>;
}
