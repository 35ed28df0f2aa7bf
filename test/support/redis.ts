import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { deleteRedisPrefix } from '../../scripts/redis-prefix.js';

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** Redis is required, never skipped: a missing server fails loudly with what to do. */
export async function requireRedis(url = REDIS_URL): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1500, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`these tests need Redis, and none answers at ${url} (${(error as Error).message}). Start one (redis-server --port 6379 --save "") or set REDIS_URL; .ci/run starts one.`, { cause: error });
  } finally {
    redis.disconnect();
  }
}

/** Each test run gets its own key prefix, cleared after. */
export const uniquePrefix = (): string => `mvc-test:${randomUUID().slice(0, 8)}:`;

/** Deletes every key under a prefix (for tests that run the server as a process). */
export const clearPrefix = (prefix: string, url = REDIS_URL): Promise<void> => deleteRedisPrefix(url, prefix);
