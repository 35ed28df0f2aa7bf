import type { Settings } from '../config/index.js';
import { MemoryStore } from './memory-store.js';
import type { Store, TimeSource } from './store.js';

export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

/**
 * The memory store, or Redis (imported only then, so the default start-up does not load ioredis); TTLs
 * run on `clock`, the emulator clock.
 */
export async function openStore(settings: Pick<Settings, 'store' | 'redisUrl' | 'redisPrefix'>, clock: TimeSource): Promise<Store> {
  if (settings.store === 'memory') return new MemoryStore(clock);
  const { RedisStore, RedisUnavailableError } = await import('./redis-store.js');
  try {
    return await RedisStore.connect(settings.redisUrl, settings.redisPrefix, clock);
  } catch (error) {
    if (error instanceof RedisUnavailableError) throw new StoreUnavailableError(error.message);
    throw error;
  }
}

/** What the store is, for messages: `Redis at redis://…` or `the memory store`. */
export function describeStore(settings: Pick<Settings, 'store' | 'redisUrl' | 'redisPrefix'>): string {
  return settings.store === 'redis' ? `Redis at ${settings.redisUrl} (prefix ${settings.redisPrefix})` : 'the memory store';
}
