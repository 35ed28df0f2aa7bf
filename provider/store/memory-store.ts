import { realTime } from '../time/clock.js';
import type { Store, TimeSource } from './store.js';

/** A primitive as it is, a set's members, or a list of JSON texts; expiring at `expiresAt` (the store's `#now`). */
class Entry {
  constructor(
    readonly value: unknown,
    readonly expiresAt: number | undefined,
  ) {}
}

/** An object or array as it is stored: its JSON text, in the entry itself (no wrapper object per entry). */
class JsonEntry extends Entry {
  declare readonly value: string;
}

/** The entry of a value: JSON text for an object or array; a primitive cannot be changed, so it is kept as it is (mails are long strings). */
function entryOf(value: unknown, expiresAt: number | undefined): Entry {
  return typeof value === 'object' && value !== null ? new JsonEntry(JSON.stringify(value), expiresAt) : new Entry(value, expiresAt);
}

const valueOf = (entry: Entry): unknown => (entry instanceof JsonEntry ? JSON.parse(entry.value) : entry.value);

/** An entry as another store writes it: a value's JSON text, a set's members or a list's JSON texts, and its expiry on the emulator clock. */
export type ExportedEntry = { key: string; expiresAtMs: number | undefined } & ({ kind: 'json'; json: string } | { kind: 'set'; members: string[] } | { kind: 'list'; items: string[] });

const SWEEP_INTERVAL_MS = 60_000;

/**
 * The embedded default. Values are kept as JSON text, as the Redis store keeps them: a caller that
 * mutates what it read cannot change stored state behind the store's back, both stores hand back the
 * same JSON shapes, and text holds a sign-in's state in less heap than its objects take.
 * Every method reads and writes without awaiting in between, which is what makes each one atomic.
 */
export class MemoryStore implements Store {
  readonly #entries = new Map<string, Entry>();
  readonly #sweeper: NodeJS.Timeout;
  readonly #listeners: ((topic: string) => void)[] = [];
  readonly #clock: TimeSource;
  /**
   * Times are kept in ms since the store was made, not since 1970: within 24 days of that they are
   * small integers, which V8 keeps inside the entry instead of a 16-byte number object per entry.
   */
  readonly #startMs: number;

  /** TTLs run on `clock`, the emulator clock; `startMs`: where its times count from (a store whose entries another takes over counts from the other's). */
  constructor(clock: TimeSource = realTime, startMs = clock.nowMs()) {
    this.#clock = clock;
    this.#startMs = startMs;
    this.#sweeper = setInterval(() => this.#sweep(), SWEEP_INTERVAL_MS);
    this.#sweeper.unref();
  }

  async get<T>(key: string): Promise<T | undefined> {
    const entry = this.#live(key);
    return entry === undefined ? undefined : (valueOf(entry) as T);
  }

  async set(key: string, value: unknown, ttlSeconds?: number): Promise<void> {
    this.#entries.set(key, entryOf(value, this.#expiry(ttlSeconds)));
  }

  async delete(...keys: string[]): Promise<void> {
    for (const key of keys) this.#entries.delete(key);
  }

  async take<T>(key: string): Promise<T | undefined> {
    const entry = this.#live(key);
    this.#entries.delete(key);
    return entry === undefined ? undefined : (valueOf(entry) as T);
  }

  async deleteIf(key: string, expected: string): Promise<boolean> {
    if (this.#live(key)?.value !== expected) return false;
    this.#entries.delete(key);
    return true;
  }

  async setIfAbsent(key: string, value: unknown, ttlSeconds?: number): Promise<boolean> {
    if (this.#live(key)) return false;
    this.#entries.set(key, entryOf(value, this.#expiry(ttlSeconds)));
    return true;
  }

  async increment(key: string, ttlSeconds: number, max?: number): Promise<number | undefined> {
    const count = (this.#live(key)?.value as number | undefined) ?? 0;
    if (max !== undefined && count >= max) return undefined;
    this.#entries.set(key, new Entry(count + 1, this.#expiry(ttlSeconds)));
    return count + 1;
  }

  async update<T>(key: string, change: (current: T | undefined) => T | undefined, ttlSeconds?: number): Promise<T | undefined> {
    const entry = this.#live(key);
    const next = change(entry === undefined ? undefined : (valueOf(entry) as T));
    if (next === undefined) return entry === undefined ? undefined : (valueOf(entry) as T);
    const written = entryOf(next, ttlSeconds === undefined ? entry?.expiresAt : this.#expiry(ttlSeconds));
    this.#entries.set(key, written);
    return valueOf(written) as T;
  }

  async addToSet(key: string, member: string, ttlSeconds?: number): Promise<void> {
    const entry = this.#live(key);
    const members = entry ? (entry.value as Set<string>) : new Set<string>();
    members.add(member);
    const expiresAt = this.#expiry(ttlSeconds);
    const keepLonger = entry?.expiresAt === undefined || expiresAt === undefined ? undefined : Math.max(entry.expiresAt, expiresAt);
    this.#entries.set(key, new Entry(members, entry ? keepLonger : expiresAt));
  }

  /** A set left empty goes, as Redis removes an empty set. */
  async removeFromSet(key: string, member: string): Promise<void> {
    const members = this.#live(key)?.value as Set<string> | undefined;
    if (members?.delete(member) && members.size === 0) this.#entries.delete(key);
  }

  async setMembers(key: string): Promise<string[]> {
    const entry = this.#live(key);
    return entry ? [...(entry.value as Set<string>)] : [];
  }

  async appendToList(key: string, value: unknown, maxLength: number): Promise<void> {
    const list = (this.#live(key)?.value as string[] | undefined) ?? [];
    list.push(JSON.stringify(value));
    if (list.length > maxLength) list.splice(0, list.length - maxLength);
    this.#entries.set(key, new Entry(list, undefined));
  }

  async readList<T>(key: string): Promise<T[]> {
    return ((this.#live(key)?.value as string[] | undefined) ?? []).map((item) => JSON.parse(item) as T);
  }

  async clear(): Promise<void> {
    this.#entries.clear();
    await this.announce('*');
  }

  /** A new store on `clock` with what `seed` writes in it (its sweeper stopped: it is read once, then dropped). */
  static async seeded(clock: TimeSource, seed: (fresh: Store) => Promise<void>, startMs?: number): Promise<MemoryStore> {
    const fresh = new MemoryStore(clock, startMs);
    await fresh.close();
    await seed(fresh);
    return fresh;
  }

  /** The fresh store's entries take the place of these in one synchronous step. */
  async replaceAll(seed: (fresh: Store) => Promise<void>): Promise<void> {
    const fresh = await MemoryStore.seeded(this.#clock, seed, this.#startMs);
    this.#entries.clear();
    for (const [key, entry] of fresh.#entries) this.#entries.set(key, entry);
    await this.announce('*');
  }

  /** What the store holds, for another store to write as it keeps things (the Redis store's `replaceAll`). */
  *exported(): Generator<ExportedEntry> {
    const now = this.#now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) continue;
      const expiresAtMs = entry.expiresAt === undefined ? undefined : entry.expiresAt + this.#startMs;
      if (entry instanceof JsonEntry) yield { key, kind: 'json', json: entry.value, expiresAtMs };
      else if (entry.value instanceof Set) yield { key, kind: 'set', members: [...(entry.value as Set<string>)], expiresAtMs };
      else if (Array.isArray(entry.value)) yield { key, kind: 'list', items: entry.value as string[], expiresAtMs };
      else yield { key, kind: 'json', json: JSON.stringify(entry.value), expiresAtMs };
    }
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
    return ttlSeconds === undefined ? undefined : this.#now() + ttlSeconds * 1000;
  }

  #now(): number {
    return this.#clock.nowMs() - this.#startMs;
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #sweep(): void {
    const now = this.#now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) this.#entries.delete(key);
    }
  }
}
