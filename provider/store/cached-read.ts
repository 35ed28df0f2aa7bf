import type { Store } from './store.js';

/**
 * A value read from the store once and kept until someone announces that it changed (in this process,
 * or on another replica through the store's announcements), so a request does not read it again. While
 * the store cannot hear announcements (a Redis subscriber reconnecting) every `get` reads. A read that
 * an announcement overtook is used by its caller but not kept.
 */
export class CachedRead<T> {
  #value: T | undefined;
  #fresh = false;
  #generation = 0;

  constructor(
    private readonly store: Store,
    private readonly topic: string,
    private readonly read: () => Promise<T>,
  ) {
    store.onAnnouncement((topic) => {
      if (topic === this.topic || topic === '*') this.#forget();
    });
  }

  async get(): Promise<T> {
    if (this.#fresh && this.store.hearsAnnouncements()) return this.#value as T;
    return this.refresh();
  }

  /** Reads now, whatever is kept. */
  async refresh(): Promise<T> {
    const generation = this.#generation;
    const value = await this.read();
    if (generation === this.#generation) {
      this.#value = value;
      this.#fresh = true;
    }
    return value;
  }

  /** Call after writing the value: every cache of it, here and on other replicas, reads it again. */
  async changed(): Promise<void> {
    this.#forget();
    await this.store.announce(this.topic);
  }

  #forget(): void {
    this.#fresh = false;
    this.#generation += 1;
  }
}

/**
 * Values read from the store by key, each kept until someone announces that the topic changed (any
 * key: an announcement forgets them all), with CachedRead's rules: no trust while announcements may be
 * missed, and a read an announcement overtook is not kept. A key that names nothing (undefined) is not
 * kept either, so requests naming made-up keys cannot fill the cache. It starts hearing announcements
 * on its first `get`: an instance that only writes (a reset's seed) leaves no listener behind.
 */
export class CachedReadsByKey<T> {
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
