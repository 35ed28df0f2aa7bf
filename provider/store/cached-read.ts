import type { Store } from './store.js';

/**
 * What the caches below share: what they keep is forgotten when their topic (or `*`, a reset) is
 * announced, in this process or on another replica through the store's announcements. A cache hears
 * announcements from its first read, so an instance that only writes (a reset's seed) leaves no
 * listener behind. A read that an announcement overtook is used by its caller but not kept.
 */
abstract class AnnouncedCache {
  #generation = 0;
  #listening = false;

  constructor(
    protected readonly store: Store,
    private readonly topic: string,
  ) {}

  /** Call after writing: every cache of the topic, here and on other replicas, reads again. */
  async changed(): Promise<void> {
    this.#forget();
    await this.store.announce(this.topic);
  }

  /** Whether what is kept may be used: not while announcements may be missed (a Redis subscriber reconnecting). */
  protected trusted(): boolean {
    this.#listen();
    return this.store.hearsAnnouncements();
  }

  /** Reads with `read`, and keeps the value with `keep` unless an announcement came in the meantime. */
  protected async readAndKeep<V>(read: () => Promise<V>, keep: (value: V) => void): Promise<V> {
    this.#listen();
    const generation = this.#generation;
    const value = await read();
    if (generation === this.#generation) keep(value);
    return value;
  }

  protected abstract drop(): void;

  #listen(): void {
    if (this.#listening) return;
    this.#listening = true;
    this.store.onAnnouncement((topic) => {
      if (topic === this.topic || topic === '*') this.#forget();
    });
  }

  #forget(): void {
    this.drop();
    this.#generation += 1;
  }
}

/** A value read from the store once and kept until a change is announced, so a request does not read it again. */
export class CachedRead<T> extends AnnouncedCache {
  #value: T | undefined;
  #fresh = false;

  constructor(
    store: Store,
    topic: string,
    private readonly read: () => Promise<T>,
  ) {
    super(store, topic);
  }

  async get(): Promise<T> {
    if (this.trusted() && this.#fresh) return this.#value as T;
    return this.refresh();
  }

  /** Reads now, whatever is kept. */
  refresh(): Promise<T> {
    return this.readAndKeep(this.read, (value) => {
      this.#value = value;
      this.#fresh = true;
    });
  }

  protected drop(): void {
    this.#fresh = false;
  }
}

/**
 * Values read from the store by key, each kept until a change of the topic is announced (any key: an
 * announcement forgets them all). A key that names nothing (undefined) is not kept, so requests naming
 * made-up keys cannot fill the cache.
 */
export class CachedReadsByKey<T> extends AnnouncedCache {
  readonly #values = new Map<string, T>();

  constructor(
    store: Store,
    topic: string,
    private readonly read: (key: string) => Promise<T | undefined>,
  ) {
    super(store, topic);
  }

  async get(key: string): Promise<T | undefined> {
    const kept = this.trusted() ? this.#values.get(key) : undefined;
    if (kept !== undefined) return kept;
    return this.readAndKeep(
      () => this.read(key),
      (value) => {
        if (value !== undefined) this.#values.set(key, value);
      },
    );
  }

  protected drop(): void {
    this.#values.clear();
  }
}
