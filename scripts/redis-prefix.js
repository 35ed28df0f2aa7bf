// Deleting every key under a prefix: a benchmark's own prefix once its server stopped, and the tests'
// prefixes for servers they ran as processes. Nothing here reaches into the product's code.

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
