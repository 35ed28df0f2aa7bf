import { realTime } from '../time/clock.js';
import type { Store, TimeSource } from './store.js';

interface Entry {
  value: unknown;
  expiresAt: number | undefined;
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * The embedded default. Values are copied in and out, so a caller that mutates what it read cannot
 * change stored state behind the store's back (the Redis store behaves the same by serialising).
 * Every method reads and writes without awaiting in between, which is what makes each one atomic.
 */
export class MemoryStore implements Store {
  readonly #entries = new Map<string, Entry>();
  readonly #sweeper: NodeJS.Timeout;
  readonly #listeners: ((topic: string) => void)[] = [];
  readonly #clock: TimeSource;

  /** TTLs run on `clock`, the emulator clock. */
  constructor(clock: TimeSource = realTime) {
    this.#clock = clock;
    this.#sweeper = setInterval(() => this.#sweep(), SWEEP_INTERVAL_MS);
    this.#sweeper.unref();
  }

  async get<T>(key: string): Promise<T | undefined> {
    const entry = this.#live(key);
    return entry === undefined ? undefined : (copy(entry.value) as T);
  }

  async set(key: string, value: unknown, ttlSeconds?: number): Promise<void> {
    this.#entries.set(key, { value: copy(value), expiresAt: this.#expiry(ttlSeconds) });
  }

  async delete(...keys: string[]): Promise<void> {
    for (const key of keys) this.#entries.delete(key);
  }

  async take<T>(key: string): Promise<T | undefined> {
    const entry = this.#live(key);
    this.#entries.delete(key);
    return entry === undefined ? undefined : (entry.value as T);
  }

  async setIfAbsent(key: string, value: unknown, ttlSeconds?: number): Promise<boolean> {
    if (this.#live(key)) return false;
    this.#entries.set(key, { value: copy(value), expiresAt: this.#expiry(ttlSeconds) });
    return true;
  }

  async increment(key: string, ttlSeconds: number, max?: number): Promise<number | undefined> {
    const count = (this.#live(key)?.value as number | undefined) ?? 0;
    if (max !== undefined && count >= max) return undefined;
    this.#entries.set(key, { value: count + 1, expiresAt: this.#expiry(ttlSeconds) });
    return count + 1;
  }

  async update<T>(key: string, change: (current: T | undefined) => T | undefined, ttlSeconds?: number): Promise<T | undefined> {
    const entry = this.#live(key);
    const next = change(entry === undefined ? undefined : (copy(entry.value) as T));
    if (next === undefined) return entry === undefined ? undefined : (copy(entry.value) as T);
    this.#entries.set(key, { value: copy(next), expiresAt: ttlSeconds === undefined ? entry?.expiresAt : this.#expiry(ttlSeconds) });
    return copy(next);
  }

  async addToSet(key: string, member: string, ttlSeconds?: number): Promise<void> {
    const entry = this.#live(key);
    const members = entry ? (entry.value as Set<string>) : new Set<string>();
    members.add(member);
    const expiresAt = this.#expiry(ttlSeconds);
    const keepLonger = entry?.expiresAt === undefined || expiresAt === undefined ? undefined : Math.max(entry.expiresAt, expiresAt);
    this.#entries.set(key, { value: members, expiresAt: entry ? keepLonger : expiresAt });
  }

  async removeFromSet(key: string, member: string): Promise<void> {
    (this.#live(key)?.value as Set<string> | undefined)?.delete(member);
  }

  async setMembers(key: string): Promise<string[]> {
    const entry = this.#live(key);
    return entry ? [...(entry.value as Set<string>)] : [];
  }

  async appendToList(key: string, value: unknown, maxLength: number): Promise<void> {
    const list = (this.#live(key)?.value as unknown[] | undefined) ?? [];
    list.push(copy(value));
    if (list.length > maxLength) list.splice(0, list.length - maxLength);
    this.#entries.set(key, { value: list, expiresAt: undefined });
  }

  async readList<T>(key: string): Promise<T[]> {
    return copy((this.#live(key)?.value as T[] | undefined) ?? []);
  }

  async clear(): Promise<void> {
    this.#entries.clear();
    await this.announce('*');
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
  }

  isAvailable(): boolean {
    return true;
  }

  async ping(): Promise<boolean> {
    return true;
  }

  onReconnect(): void {
    // Memory never goes away.
  }

  async announce(topic: string): Promise<void> {
    for (const listener of this.#listeners) listener(topic);
  }

  onAnnouncement(listener: (topic: string) => void): void {
    this.#listeners.push(listener);
  }

  hearsAnnouncements(): boolean {
    return true;
  }

  get size(): number {
    return this.#entries.size;
  }

  #expiry(ttlSeconds: number | undefined): number | undefined {
    return ttlSeconds === undefined ? undefined : this.#clock.nowMs() + ttlSeconds * 1000;
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= this.#clock.nowMs()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #sweep(): void {
    const now = this.#clock.nowMs();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) this.#entries.delete(key);
    }
  }
}


/** A copy for the caller; a string or other primitive cannot be changed, so it is handed over as it is (mails are long strings). */
function copy<T>(value: T): T {
  return typeof value === 'object' && value !== null ? structuredClone(value) : value;
}
