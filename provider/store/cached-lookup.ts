import type { Store } from './store.js';

/**
 * Values read from the store by key and kept until someone announces that one of them changed (in
 * this process, or on another replica), as CachedRead does for a single value. Only found values are
 * kept, so the cache holds no more entries than the store has. It starts hearing announcements on the
 * first `get`: an instance that only writes (a seed) leaves no listener behind.
 */
export class CachedLookup<T> {
  readonly #values = new Map<string, T>();
  #generation = 0;
  #listening = false;

  constructor(
    private readonly store: Store,
    private readonly topic: string,
    private readonly read: (key: string) => Promise<T | undefined>,
  ) {}

  async get(key: string): Promise<T | undefined> {
    this.#listen();
    const kept = this.store.hearsAnnouncements() ? this.#values.get(key) : undefined;
    if (kept !== undefined) return kept;
    const generation = this.#generation;
    const value = await this.read(key);
    if (value !== undefined && generation === this.#generation) this.#values.set(key, value);
    return value;
  }

  /** Call after writing values: every cache of the topic, here and on other replicas, reads again. */
  async changed(): Promise<void> {
    this.#forget();
    await this.store.announce(this.topic);
  }

  #listen(): void {
    if (this.#listening) return;
    this.#listening = true;
    this.store.onAnnouncement((topic) => {
      if (topic === this.topic || topic === '*') this.#forget();
    });
  }

  #forget(): void {
    this.#values.clear();
    this.#generation += 1;
  }
}
