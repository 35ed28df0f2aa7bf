// `npm run bench:store`: what sign-ins leave in the store. The benchmark's password sign-ins (pages and
// code exchange, scripts/bench-load.js) against ours on Redis under a prefix of its own; then every key
// the sign-ins added, grouped by kind (ids replaced by *): how many, their bytes (key and stored text;
// Redis's envelope {"v":…,"e":…} included) and their TTL (a session-end record is taken by the sweep
// when its session ends, long before its TTL). Both stores keep the same keys and JSON texts (the
// memory store without the envelope), so this is what a sign-in costs either way.
// BENCH_SIGN_INS (500), BENCH_BROWSERS (16), REDIS_URL. Prints figures, never asserts.
import { randomUUID } from 'node:crypto';
import { benchFixtures, load, start } from './bench-support.js';
import { deleteKeys } from './redis-prefix.js';
import { buildIfStale } from './build-if-stale.cjs';

const SIGN_INS = Number(process.env.BENCH_SIGN_INS ?? 500);
const BROWSERS = Number(process.env.BENCH_BROWSERS ?? 16);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `mvc-bench-store:${randomUUID().slice(0, 8)}:`;

/** A key's kind: its ids (oidc-provider's 43-character ones, UUIDs, minute buckets) replaced by *. */
const kindOf = (key) => key.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Za-z0-9_-]{20,}|\d{6,}/g, '*');

/** Every key under the prefix: its kind, bytes (key and value, a set's or list's members summed) and seconds to live. */
async function contents(redis) {
  const keys = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 1000);
    keys.push(...found);
    cursor = next;
  } while (cursor !== '0');
  const types = await Promise.all(keys.map((key) => redis.type(key)));
  const read = { string: (key) => redis.get(key), set: (key) => redis.smembers(key), list: (key) => redis.lrange(key, 0, -1) };
  return Promise.all(
    keys.map(async (key, i) => {
      const [value, ttlMs] = await Promise.all([read[types[i]](key), redis.pttl(key)]);
      const name = key.slice(PREFIX.length);
      const valueBytes = [value].flat().reduce((sum, text) => sum + Buffer.byteLength(text), 0);
      return { key, kind: kindOf(name), bytes: Buffer.byteLength(name) + valueBytes, ttlSeconds: ttlMs < 0 ? undefined : ttlMs / 1000 };
    }),
  );
}

const duration = (seconds) => (seconds === undefined ? 'no expiry' : seconds >= 86_400 ? `${(seconds / 86_400).toFixed(1)} d` : seconds >= 3600 ? `${(seconds / 3600).toFixed(1)} h` : `${Math.round(seconds / 60)} min`);

buildIfStale();
const { Redis } = await import('ioredis');
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 0 });
const server = await start('ours', { env: { STORE: 'redis', REDIS_URL, REDIS_PREFIX: PREFIX, FIXTURES: await benchFixtures(BROWSERS) } });
try {
  const seeded = new Set((await contents(redis)).map(({ key }) => key));
  const result = await load(server, { workload: 'sign-in', concurrency: BROWSERS, seconds: 3600, warmupSeconds: 0, maxCount: SIGN_INS });
  if (result.failures) throw new Error(`${result.failures} sign-ins failed: ${result.firstError}`);
  const added = (await contents(redis)).filter(({ key }) => !seeded.has(key));
  const kinds = new Map();
  for (const entry of added) {
    const kind = kinds.get(entry.kind) ?? { count: 0, bytes: 0, ttl: entry.ttlSeconds };
    kind.count += 1;
    kind.bytes += entry.bytes;
    kinds.set(entry.kind, kind);
  }
  const signIns = result.done;
  process.stdout.write(`\nwhat ${signIns} password sign-ins added to the store (Redis, texts as stored), per sign-in\n`);
  let total = 0;
  for (const [kind, { count, bytes, ttl }] of [...kinds].sort((a, b) => b[1].bytes - a[1].bytes)) {
    total += bytes;
    process.stdout.write(`  ${kind.padEnd(36)} ${(count / signIns).toFixed(2).padStart(5)} keys   ${(bytes / signIns).toFixed(0).padStart(5)} B   TTL ${duration(ttl)}\n`);
  }
  process.stdout.write(`  ${'all'.padEnd(36)} ${(added.length / signIns).toFixed(2).padStart(5)} keys   ${(total / signIns).toFixed(0).padStart(5)} B\n`);
  process.stdout.write('(a key that does not grow with sign-ins, such as the decision log capped at 1000, shows its growth divided by the sign-ins)\n');
} finally {
  await server.stop();
  await deleteKeys(redis, PREFIX);
  redis.disconnect();
}
