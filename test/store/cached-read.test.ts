import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachedRead, MemoryStore, type Store } from '../../provider/store/index.js';
import { RedisStore } from '../../provider/store/redis-store.js';
import { REDIS_URL, requireRedis, uniquePrefix } from '../support/redis.js';

/** Memory is one process (two readers in it); on Redis each reader has its own store, as two replicas do. */
const setups: [string, () => Promise<Store[]>][] = [
  ['memory', async () => [new MemoryStore()]],
  [
    'redis, across two replicas,',
    async () => {
      await requireRedis();
      const prefix = uniquePrefix();
      return Promise.all([RedisStore.connect(REDIS_URL, prefix), RedisStore.connect(REDIS_URL, prefix)]);
    },
  ],
];

/** Waits until `condition` holds: an announcement from another replica arrives over pub/sub. */
async function eventually(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await condition()); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe.each(setups)('a value cached from the %s store', (_name, open) => {
  let stores: Store[];
  const at = (i: number) => stores[i % stores.length]!;
  beforeAll(async () => {
    stores = await open();
  });
  afterAll(async () => {
    await stores[0]!.clear();
    await Promise.all(stores.map((store) => store.close()));
  });

  function reader(store: Store) {
    let reads = 0;
    const cached = new CachedRead(store, 'answer', async () => {
      reads += 1;
      return (await store.get<number>('answer')) ?? 0;
    });
    return { cached, reads: () => reads };
  }

  it('is read from the store once, however often it is asked for, until a change is announced', async () => {
    const { cached, reads } = reader(at(0));
    await at(0).set('answer', 41);
    expect(await cached.get()).toBe(41);
    expect(await cached.get()).toBe(41);
    expect(reads()).toBe(1);

    const writer = reader(at(1));
    await at(1).set('answer', 42);
    await writer.cached.changed();
    await eventually(async () => (await cached.get()) === 42);
    expect(await cached.get()).toBe(42);
    expect(reads()).toBe(2);
  });

  it('is read again after the store was cleared', async () => {
    const { cached, reads } = reader(at(0));
    await at(0).set('answer', 7);
    expect(await cached.get()).toBe(7);
    await at(1).clear();
    await eventually(async () => (await cached.get()) === 0);
    expect(await cached.get()).toBe(0);
    expect(reads()).toBe(2);
  });
});
