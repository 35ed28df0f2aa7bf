// Deleting every key under a prefix: a benchmark's own prefix once its server stopped, and the tests'
// prefixes for servers they ran as processes; and the pid of a Redis on this machine, whose CPU the
// benchmark reads. Nothing here reaches into the product's code.
import { readFileSync } from 'node:fs';

/** Deletes every key under `prefix` through an open ioredis connection. */
export async function deleteKeys(redis, prefix) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** Deletes every key under `prefix` in the Redis at `url`. */
export async function deleteRedisPrefix(url, prefix) {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { maxRetriesPerRequest: 0 });
  try {
    await deleteKeys(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

/** The process id of the Redis at `url` when it runs on this machine (its CPU time can then be read), else undefined. */
export async function localRedisPid(url) {
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname)) return undefined;
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { maxRetriesPerRequest: 0 });
  try {
    const pid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]);
    // A Redis in a container reports its pid there: only a redis-server among this machine's processes counts.
    return Number.isInteger(pid) && pid > 0 && isRedisServer(pid) ? pid : undefined;
  } finally {
    redis.disconnect();
  }
}

function isRedisServer(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'redis-server';
  } catch {
    return false;
  }
}
