/**
 * What every piece of state goes through: accounts, oidc-provider's models, login steps. Values are
 * JSON-shaped; a TTL in seconds makes an entry disappear on the emulator's clock. An implementation
 * owns one namespace, and `clear` empties exactly that namespace (a shared Redis keeps others).
 */
export interface Store {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSeconds?: number): Promise<void>;
  delete(...keys: string[]): Promise<void>;
  /** Adds a member to a set; the set lives at least `ttlSeconds` from now. */
  addToSet(key: string, member: string, ttlSeconds?: number): Promise<void>;
  removeFromSet(key: string, member: string): Promise<void>;
  setMembers(key: string): Promise<string[]>;
  /** Appends to a list, keeping only its newest `maxLength` entries. */
  appendToList(key: string, value: unknown, maxLength: number): Promise<void>;
  /** The list, oldest first. */
  readList<T>(key: string): Promise<T[]>;
  clear(): Promise<void>;
  close(): Promise<void>;
  /** False while a backing service is unreachable: requests then get a 503 instead of failing midway. */
  isAvailable(): boolean;
  /** Called when a backing service answers again after an outage (it may have come back empty). */
  onReconnect(listener: () => void): void;
}
