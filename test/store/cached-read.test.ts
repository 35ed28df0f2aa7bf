import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachedLookup, CachedRead, MemoryStore, type Store } from '../../provider/store/index.js';
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

describe.each(setups)('values looked up by key from the %s store', (_name, open) => {
  let stores: Store[];
  const at = (i: number) => stores[i % stores.length]!;
  beforeAll(async () => {
    stores = await open();
  });
  afterAll(async () => {
    await stores[0]!.clear();
    await Promise.all(stores.map((store) => store.close()));
  });

  function lookup(store: Store) {
    const reads: string[] = [];
    const cached = new CachedLookup(store, 'entries', async (key) => {
      reads.push(key);
      return store.get<string>(key);
    });
    return { cached, reads };
  }

  it('reads each key once until a change is announced, here or on the other replica', async () => {
    const { cached, reads } = lookup(at(0));
    await at(0).set('entry:a', 'A1');
    await at(0).set('entry:b', 'B1');
    expect([await cached.get('entry:a'), await cached.get('entry:a'), await cached.get('entry:b'), await cached.get('entry:b')]).toEqual(['A1', 'A1', 'B1', 'B1']);
    expect(reads).toEqual(['entry:a', 'entry:b']);

    const writer = lookup(at(1));
    await at(1).set('entry:a', 'A2');
    await writer.cached.changed();
    await eventually(async () => (await cached.get('entry:a')) === 'A2');
    expect(await cached.get('entry:a')).toBe('A2');
    expect(await cached.get('entry:b')).toBe('B1');
    expect(reads.filter((key) => key === 'entry:b')).toHaveLength(2);
  });

  it('keeps nothing for a key the store does not have: it is found once it is written', async () => {
    const { cached, reads } = lookup(at(0));
    expect(await cached.get('entry:later')).toBeUndefined();
    await at(1).set('entry:later', 'here');
    expect(await cached.get('entry:later')).toBe('here');
    expect(reads).toEqual(['entry:later', 'entry:later']);
  });

  it('does not keep a read that a change overtook', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const cached = new CachedLookup(at(0), 'entries', async (key) => {
      const value = await at(0).get<string>(key);
      await gate;
      return value;
    });
    await at(0).set('entry:c', 'old');
    const slow = cached.get('entry:c');
    await at(0).set('entry:c', 'new');
    await cached.changed();
    release();
    expect(await slow).toBe('old');
    expect(await cached.get('entry:c')).toBe('new');
  });

  it('is read again after the store was cleared', async () => {
    const { cached } = lookup(at(0));
    await at(0).set('entry:d', 'D');
    expect(await cached.get('entry:d')).toBe('D');
    await at(1).clear();
    await eventually(async () => (await cached.get('entry:d')) === undefined);
    expect(await cached.get('entry:d')).toBeUndefined();
  });
});
