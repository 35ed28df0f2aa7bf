import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachedRead, CachedReadsByKey, MemoryStore, type Store } from '../../provider/store/index.js';
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

describe.each(setups)('values cached by key from the %s store', (_name, open) => {
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
    const reads: string[] = [];
    const cached = new CachedReadsByKey(store, 'colours', async (key) => {
      reads.push(key);
      return store.get<string>(`colour:${key}`);
    });
    return { cached, reads };
  }

  it('reads each key once until a change of the topic is announced, then every key again', async () => {
    const { cached, reads } = reader(at(0));
    await Promise.all([at(0).set('colour:sky', 'blue'), at(0).set('colour:grass', 'green')]);
    expect([await cached.get('sky'), await cached.get('grass'), await cached.get('sky'), await cached.get('grass')]).toEqual(['blue', 'green', 'blue', 'green']);
    expect(reads).toEqual(['sky', 'grass']);

    await at(1).set('colour:sky', 'grey');
    await at(1).announce('colours');
    await eventually(async () => (await cached.get('sky')) === 'grey');
    expect(await cached.get('grass')).toBe('green');
    expect(reads.filter((key) => key === 'grass')).toHaveLength(2);
  });

  it('keeps nothing for a key that names nothing, and forgets everything when the store is cleared', async () => {
    const { cached, reads } = reader(at(0));
    expect(await cached.get('nothing')).toBeUndefined();
    expect(await cached.get('nothing')).toBeUndefined();
    expect(reads).toEqual(['nothing', 'nothing']);

    await at(0).set('colour:sea', 'teal');
    expect(await cached.get('sea')).toBe('teal');
    await at(1).clear();
    await eventually(async () => (await cached.get('sea')) === undefined);
    expect(await cached.get('sea')).toBeUndefined();
  });
});
