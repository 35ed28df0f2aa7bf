import { Redis, ReplyError } from 'ioredis';
import { realTime } from '../time/clock.js';
import { MemoryStore } from './memory-store.js';
import { defineScripts, type RedisScripts } from './redis-scripts.js';
import { StoreContentionError, StoreOutageError, type Store, type TimeSource } from './store.js';

/** A stored value and when it lapses on the emulator clock (which tests move; Redis's TTLs do not). */
interface Envelope {
  v: unknown;
  e?: number;
}

export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
}

/** An update that lost to other writers of the same key this many times in a row gives up. */
const MAX_UPDATE_ROUNDS = 500;

const RECONNECT_CAP_MS = 2000;

/** How long any command may take before the request gives up with a 503. */
const COMMAND_TIMEOUT_MS = 2000;
/** While stalled, how often Redis is asked whether it answers again. */
const STALL_PROBE_MS = 200;

/**
 * The Store on Redis, every key under one prefix so emulators can share a Redis. Expiry is checked
 * against the emulator clock on read; Redis's own TTL (real time) removes entries so nothing piles up.
 * Commands fail at once while Redis is away (no offline queue) and the client reconnects by itself.
 * A command that gets no answer within the command timeout (a Redis that hangs, the connection still
 * open) fails as an outage, and the store counts as unavailable until Redis answers a PING again.
 * Announcements go over Redis pub/sub on a second connection (the subscriber), one channel per prefix.
 */
export class RedisStore implements Store {
  readonly #redis: Redis & RedisScripts;
  readonly #subscriber: Redis;
  readonly #prefix: string;
  readonly #commandTimeoutMs: number;
  readonly #clock: TimeSource;
  readonly #listeners: ((topic: string) => void)[] = [];
  #stalled = false;
  #closed = false;
  readonly url: string;

  private constructor(redis: Redis, subscriber: Redis, url: string, prefix: string, clock: TimeSource, commandTimeoutMs: number) {
    this.#redis = defineScripts(redis);
    this.#subscriber = subscriber;
    this.url = url;
    this.#prefix = prefix;
    this.#clock = clock;
    this.#commandTimeoutMs = commandTimeoutMs;
    subscriber.on('message', (_channel: string, topic: string) => this.#hear(topic));
    // Announcements made while the subscriber was away are lost: every cache starts over.
    subscriber.on('ready', () => this.#hear('*'));
  }

  /** TTLs run on `clock`, the emulator clock. */
  static async connect(url: string, prefix: string, clock: TimeSource = realTime, connectTimeoutMs = 2000, commandTimeoutMs = COMMAND_TIMEOUT_MS): Promise<RedisStore> {
    const redis = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: connectTimeoutMs,
      commandTimeout: commandTimeoutMs,
      // The commands of one tick (a request's reads and writes sent together, and other requests') leave in one write.
      enableAutoPipelining: true,
      retryStrategy: (attempt) => Math.min(attempt * 100, RECONNECT_CAP_MS),
    });
    redis.on('error', () => {}); // reported through isAvailable() and failing commands, not as crashes
    const subscriber = redis.duplicate({ enableOfflineQueue: true, commandTimeout: undefined });
    subscriber.on('error', () => {}); // while it is away, hearsAnnouncements() is false and caches are bypassed
    try {
      await redis.connect();
      await redis.ping();
      await subscriber.connect();
      await subscriber.subscribe(announcementChannel(prefix));
    } catch (error) {
      redis.disconnect();
      subscriber.disconnect();
      throw new RedisUnavailableError(`Redis at ${url} does not answer (${(error as Error).message}); start Redis or use STORE=memory`);
    }
    return new RedisStore(redis, subscriber, url, prefix, clock, commandTimeoutMs);
  }

  async announce(topic: string): Promise<void> {
    this.#hear(topic);
    await this.#answer(this.#redis.publish(announcementChannel(this.#prefix), topic));
  }

  onAnnouncement(listener: (topic: string) => void): void {
    this.#listeners.push(listener);
  }

  hearsAnnouncements(): boolean {
    return this.#subscriber.status === 'ready' && this.isAvailable();
  }

  #hear(topic: string): void {
    for (const listener of this.#listeners) listener(topic);
  }

  isAvailable(): boolean {
    return this.#redis.status === 'ready' && !this.#stalled;
  }

  async ping(): Promise<boolean> {
    if (!this.isAvailable()) return false;
    return this.#answer(this.#redis.ping()).then(
      () => true,
      () => false,
    );
  }

  onReconnect(listener: () => void): void {
    let lost = false;
    this.#redis.on('close', () => (lost = true));
    this.#redis.on('ready', () => {
      if (lost) listener();
      lost = false;
    });
  }

  async get<T>(key: string): Promise<T | undefined> {
    return this.#live<T>(await this.#answer(this.#redis.get(this.#key(key))))?.v;
  }

  async set(key: string, value: unknown, ttlSeconds?: number): Promise<void> {
    const { envelope, px } = this.#wrap(value, this.#expiresAt(ttlSeconds));
    if (px === '') await this.#answer(this.#redis.set(this.#key(key), envelope));
    else await this.#answer(this.#redis.set(this.#key(key), envelope, 'PX', px));
  }

  async delete(...keys: string[]): Promise<void> {
    if (keys.length) await this.#answer(this.#redis.unlink(...keys.map((key) => this.#key(key))));
  }

  async take<T>(key: string): Promise<T | undefined> {
    return this.#live<T>(await this.#answer(this.#redis.getdel(this.#key(key))))?.v;
  }

  async deleteIf(key: string, expected: string): Promise<boolean> {
    return (await this.#answer(this.#redis.mvcDeleteIf(this.#key(key), this.#clock.nowMs(), expected))) === 1;
  }

  async setIfAbsent(key: string, value: unknown, ttlSeconds?: number): Promise<boolean> {
    const { envelope, px } = this.#wrap(value, this.#expiresAt(ttlSeconds));
    return (await this.#answer(this.#redis.mvcSetIfAbsent(this.#key(key), this.#clock.nowMs(), envelope, px))) === 1;
  }

  async increment(key: string, ttlSeconds: number, max?: number): Promise<number | undefined> {
    const now = this.#clock.nowMs();
    const expiry = Math.ceil(now + ttlSeconds * 1000);
    const count = await this.#answer(this.#redis.mvcIncrement(this.#key(key), now, expiry, millisecondsFrom(expiry, now), max === undefined ? '' : String(max)));
    return count < 0 ? undefined : count;
  }

  async update<T>(key: string, change: (current: T | undefined) => T | undefined, ttlSeconds?: number): Promise<T | undefined> {
    const full = this.#key(key);
    for (let round = 0; round < MAX_UPDATE_ROUNDS; round += 1) {
      const raw = await this.#answer(this.#redis.get(full));
      const current = this.#live<T>(raw);
      const next = change(current?.v);
      if (next === undefined) return current?.v;
      const { envelope, px } = this.#wrap(next, ttlSeconds === undefined ? current?.e : this.#expiresAt(ttlSeconds));
      if ((await this.#answer(this.#redis.mvcCompareAndSet(full, raw ?? '', envelope, px))) === 1) return next;
    }
    throw new StoreContentionError(`${key} was changed by others ${MAX_UPDATE_ROUNDS} times in a row; try again`);
  }

  // A script rather than MULTI: ioredis sends a MULTI block in a write of its own, a script with the tick's other commands.
  async addToSet(key: string, member: string, ttlSeconds?: number): Promise<void> {
    await this.#answer(this.#redis.mvcAddToSet(this.#key(key), member, ttlSeconds === undefined ? '' : String(Math.max(1, Math.ceil(ttlSeconds * 1000)))));
  }

  async removeFromSet(key: string, member: string): Promise<void> {
    await this.#answer(this.#redis.srem(this.#key(key), member));
  }

  setMembers(key: string): Promise<string[]> {
    return this.#answer(this.#redis.smembers(this.#key(key)));
  }

  async appendToList(key: string, value: unknown, maxLength: number): Promise<void> {
    await this.#answer(this.#redis.mvcAppendToList(this.#key(key), JSON.stringify(value), maxLength));
  }

  async readList<T>(key: string): Promise<T[]> {
    return (await this.#answer(this.#redis.lrange(this.#key(key), 0, -1))).map((raw) => JSON.parse(raw) as T);
  }

  /** Empties this prefix only: other emulators sharing the Redis keep theirs. */
  async clear(): Promise<void> {
    await this.#answer(this.#redis.mvcDeleteMatching(this.#everyKey()));
    await this.announce('*');
  }

  /**
   * Seeds a memory store, then deletes this prefix's keys and writes its entries in one MULTI block,
   * which Redis runs with no other client's command in between: the deletion is a script inside the
   * block, so no key written before the block ran outlives it.
   */
  async replaceAll(seed: (fresh: Store) => Promise<void>): Promise<void> {
    const fresh = await MemoryStore.seeded(this.#clock, seed);
    const block = this.#redis.multi();
    (block as unknown as { mvcDeleteMatching(pattern: string): unknown }).mvcDeleteMatching(this.#everyKey()); // queued in the block, as its other commands
    const now = this.#clock.nowMs();
    for (const entry of fresh.exported()) {
      const key = this.#key(entry.key);
      if (entry.kind === 'json') {
        const { envelope, px } = this.#wrap(JSON.parse(entry.json), entry.expiresAtMs);
        if (px === '') block.set(key, envelope);
        else block.set(key, envelope, 'PX', px);
        continue;
      }
      if (entry.kind === 'set') block.sadd(key, ...entry.members);
      else block.rpush(key, ...entry.items);
      if (entry.expiresAtMs !== undefined) block.pexpire(key, millisecondsFrom(entry.expiresAtMs, now));
    }
    const results = await this.#answer(block.exec());
    const failed = results?.find(([error]) => error)?.[0];
    if (failed) throw failed;
    await this.announce('*');
  }

  /** The SCAN pattern of this prefix's keys. */
  #everyKey(): string {
    return `${escapeGlob(this.#prefix)}*`;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([this.#redis.quit().catch(() => this.#redis.disconnect()), this.#subscriber.quit().catch(() => this.#subscriber.disconnect())]);
  }

  #expiresAt(ttlSeconds: number | undefined): number | undefined {
    return ttlSeconds === undefined ? undefined : this.#clock.nowMs() + ttlSeconds * 1000;
  }

  #wrap(value: unknown, expiry: number | undefined): { envelope: string; px: string } {
    if (expiry === undefined) return { envelope: JSON.stringify({ v: value } satisfies Envelope), px: '' };
    return { envelope: JSON.stringify({ v: value, e: expiry } satisfies Envelope), px: String(millisecondsFrom(expiry, this.#clock.nowMs())) };
  }

  /** The envelope of a stored value that has not lapsed on the emulator clock. */
  #live<T>(raw: string | null): { v: T; e: number | undefined } | undefined {
    if (raw === null) return undefined;
    const envelope = JSON.parse(raw) as Envelope;
    return envelope.e !== undefined && envelope.e <= this.#clock.nowMs() ? undefined : { v: envelope.v as T, e: envelope.e };
  }

  #key(key: string): string {
    return `${this.#prefix}${key}`;
  }

  /** A command's answer. One that cannot be sent or times out is an outage (a 503 for the request). */
  async #answer<T>(command: Promise<T>): Promise<T> {
    try {
      return await command;
    } catch (error) {
      if (error instanceof ReplyError) throw error;
      const timedOut = (error as Error).message === 'Command timed out';
      if (timedOut) this.#stall();
      throw new StoreOutageError(timedOut ? `Redis at ${this.url} did not answer within ${this.#commandTimeoutMs} ms; try again shortly` : `Redis at ${this.url} does not answer (${(error as Error).message}); try again shortly`);
    }
  }

  /** Unavailable until Redis answers a PING again, so requests meanwhile get their 503 at once. */
  #stall(): void {
    if (this.#stalled) return;
    this.#stalled = true;
    const probe = async () => {
      while (this.#stalled && !this.#closed) {
        try {
          await this.#redis.ping();
          this.#stalled = false;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, STALL_PROBE_MS).unref());
        }
      }
    };
    void probe();
  }
}

/** Redis's own expiry (real time) for an emulator-clock expiry, so that nothing piles up. */
const millisecondsFrom = (expiry: number, now: number): number => Math.max(1, Math.ceil(expiry - now));

const announcementChannel = (prefix: string): string => `${prefix}announcements`;

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
