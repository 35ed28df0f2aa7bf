/**
 * What every piece of state goes through: accounts, oidc-provider's models, login steps. Values are
 * JSON-shaped; a TTL in seconds makes an entry disappear on the emulator's clock. An implementation
 * owns one namespace, and `clear` empties exactly that namespace (a shared Redis keeps others).
 */
export interface Store {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSeconds?: number): Promise<void>;
  delete(...keys: string[]): Promise<void>;
  /** Reads and deletes in one step: of concurrent callers, exactly one gets the value. */
  take<T>(key: string): Promise<T | undefined>;
  /** Deletes an entry only while it holds the string `expected`, in one step; true when it did. */
  deleteIf(key: string, expected: string): Promise<boolean>;
  /** Writes only where nothing live is stored; true for the one caller that wrote. */
  setIfAbsent(key: string, value: unknown, ttlSeconds?: number): Promise<boolean>;
  /**
   * Adds one to a count and returns the new count; the count lapses `ttlSeconds` after the increment.
   * With `max`, a count that has reached it stays as it is (expiry included) and the answer is undefined:
   * of concurrent callers, exactly `max` get a number.
   */
  increment(key: string, ttlSeconds: number, max?: number): Promise<number | undefined>;
  /**
   * Read, change and write with no other write in between. `change` gets the live value and returns the
   * new one, or undefined to leave it as it is; it may run more than once (another writer got there
   * first), so it must only compute. Without `ttlSeconds` the entry keeps the expiry it had. Answers the
   * value stored afterwards.
   */
  update<T>(key: string, change: (current: T | undefined) => T | undefined, ttlSeconds?: number): Promise<T | undefined>;
  /** Adds a member to a set; the set lives at least `ttlSeconds` from now. */
  addToSet(key: string, member: string, ttlSeconds?: number): Promise<void>;
  removeFromSet(key: string, member: string): Promise<void>;
  setMembers(key: string): Promise<string[]>;
  /** Appends to a list, keeping only its newest `maxLength` entries. */
  appendToList(key: string, value: unknown, maxLength: number): Promise<void>;
  /** The list, oldest first. */
  readList<T>(key: string): Promise<T[]>;
  clear(): Promise<void>;
  /**
   * Empties the namespace and fills it with what `seed` writes (into a fresh memory store handed to it),
   * as one step: a reader on any replica sees the old state or the new one, never an empty or
   * half-written namespace (a reset while requests come in). What others wrote before that step is gone
   * with the old state; what they write after it stays. Announces `'*'`.
   */
  replaceAll(seed: (fresh: Store) => Promise<void>): Promise<void>;
  close(): Promise<void>;
  /** False while a backing service is unreachable or stalled: requests then get a 503 instead of waiting. */
  isAvailable(): boolean;
  /** Asks the backing service now (for /healthz): true when it answered within the store's command bound. */
  ping(): Promise<boolean>;
  /** Called when a backing service answers again after an outage (it may have come back empty). */
  onReconnect(listener: () => void): void;
  /**
   * Tells every cache of `topic`, in this process and in other replicas on the same store, that the
   * stored value changed (see CachedRead). `clear` announces `'*'`: everything may have changed.
   */
  announce(topic: string): Promise<void>;
  /** Hears announcements: a topic, or `'*'` when anything may have changed (a clear, a lost connection). */
  onAnnouncement(listener: (topic: string) => void): void;
  /** True while every announcement reaches this store: only then may a cache be trusted. */
  hearsAnnouncements(): boolean;
}

/**
 * A key made of parts, as one flat string. The memory store keeps a key as it is given, and one made
 * with a template literal or `+` is, in V8, a concatenated string: 32 bytes more than the text, for
 * each of the keys a sign-in leaves for hours or days.
 */
export const storeKey = (...parts: string[]): string => parts.join('');

/** Where a store reads the emulator clock for its TTLs (a Clock; real time when none is given). */
export interface TimeSource {
  nowMs(): number;
}

/**
 * The store did not answer in time, or is away: the request may be tried again shortly. Shaped as
 * oidc-provider exposes an error (status, code as message, description), so its own endpoints answer
 * 503 `temporarily_unavailable` too; our routes answer it in the store guard.
 */
export class StoreOutageError extends Error {
  override name = 'StoreOutageError';
  readonly statusCode = 503;
  readonly expose = true;

  constructor(readonly error_description: string) {
    super('temporarily_unavailable');
  }
}

/** An `update` that kept losing to other writers of the same key: the request may be tried again (503). */
export class StoreContentionError extends StoreOutageError {
  override name = 'StoreContentionError';
}
