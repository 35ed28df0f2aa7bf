import { Redis } from 'ioredis';
import type { Store } from './store.js';

/** A stored value and when it lapses on the emulator clock (which tests move; Redis's TTLs do not). */
interface Envelope {
  v: unknown;
  e?: number;
}

export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
}

const RECONNECT_CAP_MS = 2000;

/**
 * The Store on Redis, every key under one prefix so emulators can share a Redis. Expiry is checked
 * against the emulator clock on read; Redis's own TTL (real time) removes entries so nothing piles up.
 * Commands fail at once while Redis is away (no offline queue) and the client reconnects by itself.
 */
export class RedisStore implements Store {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly url: string;

  private constructor(redis: Redis, url: string, prefix: string) {
    this.#redis = redis;
    this.url = url;
    this.#prefix = prefix;
  }

  static async connect(url: string, prefix: string, connectTimeoutMs = 2000): Promise<RedisStore> {
    const redis = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: connectTimeoutMs,
      retryStrategy: (attempt) => Math.min(attempt * 100, RECONNECT_CAP_MS),
    });
    redis.on('error', () => {}); // reported through isAvailable() and failing commands, not as crashes
    try {
      await redis.connect();
      await redis.ping();
    } catch (error) {
      redis.disconnect();
      throw new RedisUnavailableError(`Redis at ${url} does not answer (${(error as Error).message}); start Redis or use STORE=memory`);
    }
    return new RedisStore(redis, url, prefix);
  }

  isAvailable(): boolean {
    return this.#redis.status === 'ready';
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
    const raw = await this.#redis.get(this.#key(key));
    if (raw === null) return undefined;
    const envelope = JSON.parse(raw) as Envelope;
    return envelope.e !== undefined && envelope.e <= Date.now() ? undefined : (envelope.v as T);
  }

  async set(key: string, value: unknown, ttlSeconds?: number): Promise<void> {
    const envelope: Envelope = ttlSeconds === undefined ? { v: value } : { v: value, e: Date.now() + ttlSeconds * 1000 };
    if (ttlSeconds === undefined) await this.#redis.set(this.#key(key), JSON.stringify(envelope));
    else await this.#redis.set(this.#key(key), JSON.stringify(envelope), 'PX', Math.max(1, Math.ceil(ttlSeconds * 1000)));
  }

  async delete(...keys: string[]): Promise<void> {
    if (keys.length) await this.#redis.unlink(...keys.map((key) => this.#key(key)));
  }

  async addToSet(key: string, member: string, ttlSeconds?: number): Promise<void> {
    const full = this.#key(key);
    const pipeline = this.#redis.multi().sadd(full, member);
    if (ttlSeconds !== undefined) {
      const ms = Math.max(1, Math.ceil(ttlSeconds * 1000));
      pipeline.pexpire(full, ms, 'NX').pexpire(full, ms, 'GT');
    }
    await pipeline.exec();
  }

  async removeFromSet(key: string, member: string): Promise<void> {
    await this.#redis.srem(this.#key(key), member);
  }

  setMembers(key: string): Promise<string[]> {
    return this.#redis.smembers(this.#key(key));
  }

  async appendToList(key: string, value: unknown, maxLength: number): Promise<void> {
    const full = this.#key(key);
    await this.#redis.multi().rpush(full, JSON.stringify(value)).ltrim(full, -maxLength, -1).exec();
  }

  async readList<T>(key: string): Promise<T[]> {
    return (await this.#redis.lrange(this.#key(key), 0, -1)).map((raw) => JSON.parse(raw) as T);
  }

  /** Empties this prefix only: other emulators sharing the Redis keep theirs. */
  async clear(): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.#redis.scan(cursor, 'MATCH', `${escapeGlob(this.#prefix)}*`, 'COUNT', 1000);
      if (keys.length) await this.#redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  }

  async close(): Promise<void> {
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }

  #key(key: string): string {
    return `${this.#prefix}${key}`;
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
