import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clientKey, createOidcAdapter, MemoryStore, type Store } from '../../provider/store/index.js';
import { RedisStore } from '../../provider/store/redis-store.js';
import { Clock } from '../../provider/time/index.js';
import { REDIS_URL, requireRedis, uniquePrefix } from '../support/redis.js';

/** The emulator clock the stores run their TTLs on; the tests move it here, in this process only. */
const clock = new Clock();
const advance = (seconds: number) => clock.setOffsetMs(clock.offsetMs + seconds * 1000);

const implementations: [string, () => Promise<Store>][] = [
  ['memory', async () => new MemoryStore(clock)],
  [
    'redis',
    async () => {
      await requireRedis();
      return RedisStore.connect(REDIS_URL, uniquePrefix(), clock);
    },
  ],
];

describe.each(implementations)('the %s store', (_name, open) => {
  let store: Store;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(async () => {
    await store.clear();
    await store.close();
  });
  beforeEach(async () => {
    clock.setOffsetMs(0);
    await store.clear();
  });

  it('keeps JSON values and returns copies', async () => {
    await store.set('a', { n: 1, list: ['x'] });
    const read = await store.get<{ n: number; list: string[] }>('a');
    expect(read).toEqual({ n: 1, list: ['x'] });
    read!.list.push('y');
    expect(await store.get('a')).toEqual({ n: 1, list: ['x'] });
    expect(await store.get('missing')).toBeUndefined();
  });

  it('forgets an entry when its TTL has passed on the emulator clock', async () => {
    await store.set('short', 'v', 60);
    await store.set('forever', 'v');
    advance(59);
    expect(await store.get('short')).toBe('v');
    advance(2);
    expect(await store.get('short')).toBeUndefined();
    expect(await store.get('forever')).toBe('v');
  });

  it('deletes several keys at once', async () => {
    await store.set('a', 1);
    await store.set('b', 2);
    await store.delete('a', 'b', 'never-there');
    expect([await store.get('a'), await store.get('b')]).toEqual([undefined, undefined]);
  });

  it('keeps sets of members', async () => {
    await store.addToSet('s', 'one', 60);
    await store.addToSet('s', 'two', 120);
    await store.addToSet('s', 'one');
    expect((await store.setMembers('s')).sort()).toEqual(['one', 'two']);
    await store.removeFromSet('s', 'one');
    expect(await store.setMembers('s')).toEqual(['two']);
    expect(await store.setMembers('none')).toEqual([]);
  });

  it('keeps capped lists, oldest first', async () => {
    for (const n of [1, 2, 3, 4]) await store.appendToList('l', { n }, 3);
    expect(await store.readList('l')).toEqual([{ n: 2 }, { n: 3 }, { n: 4 }]);
    expect(await store.readList('none')).toEqual([]);
  });

  it('clears everything it holds', async () => {
    await store.set('a', 1);
    await store.addToSet('s', 'x');
    await store.appendToList('l', 1, 10);
    await store.clear();
    expect([await store.get('a'), await store.setMembers('s'), await store.readList('l')]).toEqual([undefined, [], []]);
  });

  it('deletes an entry only while it holds what is expected', async () => {
    await store.set('index', 'anna');
    expect(await store.deleteIf('index', 'bo')).toBe(false);
    expect(await store.get('index')).toBe('anna');
    expect(await store.deleteIf('index', 'anna')).toBe(true);
    expect(await store.get('index')).toBeUndefined();
    expect(await store.deleteIf('index', 'anna')).toBe(false);
    await store.set('lapsing', 'anna', 60);
    advance(61);
    expect(await store.deleteIf('lapsing', 'anna')).toBe(false);
  });

  it('replaces everything it holds with what a seed writes: values with their TTLs, sets and lists', async () => {
    advance(3600); // the store's own times started an hour of emulator time before the seed's
    await store.set('old', 1);
    await store.addToSet('old-set', 'x');
    await store.set('kept-name', 'old');
    await store.replaceAll(async (fresh) => {
      await fresh.set('kept-name', { now: 'new' });
      await fresh.set('short', 'v', 60);
      await fresh.set('count', 7);
      await fresh.addToSet('members', 'a', 60);
      await fresh.addToSet('members', 'b');
      await fresh.appendToList('log', { n: 1 }, 10);
      await fresh.appendToList('log', { n: 2 }, 10);
    });
    expect([await store.get('old'), await store.setMembers('old-set')]).toEqual([undefined, []]);
    expect([await store.get('kept-name'), await store.get('short'), await store.get('count')]).toEqual([{ now: 'new' }, 'v', 7]);
    expect((await store.setMembers('members')).sort()).toEqual(['a', 'b']);
    expect(await store.readList('log')).toEqual([{ n: 1 }, { n: 2 }]);
    advance(59);
    expect(await store.get('short')).toBe('v');
    advance(2);
    expect([await store.get('short'), await store.get('count')]).toEqual([undefined, 7]);
  });

  it('says it is available, and answers a ping', async () => {
    expect(store.isAvailable()).toBe(true);
    expect(await store.ping()).toBe(true);
  });

  describe("as oidc-provider's adapter", () => {
    const adapterFor = (model: string) => new (createOidcAdapter(store, clock, { refreshTokenGraceSeconds: async () => 5, client: (clientId) => store.get(clientKey(clientId)) }))(model);

    it('stores, finds and destroys a model by id, with its TTL', async () => {
      const codes = adapterFor('AuthorizationCode');
      await codes.upsert('c1', { accountId: 'a', exp: clock.nowSeconds() + 60 }, 60);
      expect(await codes.find('c1')).toMatchObject({ accountId: 'a' });
      await codes.destroy('c1');
      expect(await codes.find('c1')).toBeUndefined();
      await codes.upsert('c2', { accountId: 'a' }, 60);
      advance(61);
      expect(await codes.find('c2')).toBeUndefined();
    });

    it('stores a model without the id and model name oidc-provider gives it (its key says them), and finds it with them', async () => {
      const tokens = adapterFor('AccessToken');
      const token = { jti: 'at1', kind: 'AccessToken', accountId: 'a', clientId: 'app', exp: clock.nowSeconds() + 60 };
      await tokens.upsert('at1', token, 60);
      expect(await tokens.find('at1')).toEqual(token);
      const stored = JSON.stringify(await store.get('oidc:AccessToken:at1'));
      expect(stored).not.toContain('at1');
      expect(stored).not.toContain('AccessToken');
      // A payload whose own jti or kind is not its key's is kept as it is.
      await tokens.upsert('at2', { ...token, jti: 'other', kind: 'Other' }, 60);
      expect(await tokens.find('at2')).toMatchObject({ jti: 'other', kind: 'Other' });
    });

    it('finds interactions by uid and device codes by user code', async () => {
      await adapterFor('Session').upsert('s1', { uid: 'uid-1', accountId: 'a' }, 60);
      expect(await adapterFor('Session').findByUid('uid-1')).toMatchObject({ accountId: 'a' });
      await adapterFor('DeviceCode').upsert('d1', { userCode: 'ABCD-EFGH' }, 60);
      expect(await adapterFor('DeviceCode').findByUserCode('ABCD-EFGH')).toMatchObject({ userCode: 'ABCD-EFGH' });
    });

    it('marks a model consumed, keeping its expiry', async () => {
      const codes = adapterFor('AuthorizationCode');
      await codes.upsert('c1', { exp: clock.nowSeconds() + 60 }, 60);
      await codes.consume('c1');
      expect((await codes.find('c1'))!.consumed).toEqual(expect.any(Number));
      advance(61);
      expect(await codes.find('c1')).toBeUndefined();
    });

    it('keeps of a consumed authorization code what its replay detection reads, and the session binding when it has one', async () => {
      const codes = adapterFor('AuthorizationCode');
      const code = {
        exp: clock.nowSeconds() + 60,
        clientId: 'app',
        grantId: 'g1',
        redirectUri: 'http://localhost/cb',
        codeChallenge: 'x',
        codeChallengeMethod: 'S256',
        accountId: 'a',
        scope: 'openid',
        nonce: 'n',
        sessionUid: 'u1',
        sid: 's',
      };
      await codes.upsert('c1', code, 60);
      await codes.consume('c1');
      expect(await codes.find('c1')).toEqual({
        jti: 'c1',
        kind: 'AuthorizationCode',
        exp: code.exp,
        clientId: 'app',
        grantId: 'g1',
        redirectUri: 'http://localhost/cb',
        codeChallenge: 'x',
        codeChallengeMethod: 'S256',
        consumed: expect.any(Number),
      });
      await codes.upsert('c2', { ...code, expiresWithSession: true }, 60);
      await codes.consume('c2');
      expect(await codes.find('c2')).toMatchObject({ expiresWithSession: true, sessionUid: 'u1', accountId: 'a', grantId: 'g1', consumed: expect.any(Number) });
    });

    it('keeps of a spent refresh token what its replay detection reads, and the whole token for its grace period', async () => {
      const tokens = adapterFor('RefreshToken');
      const token = { exp: clock.nowSeconds() + 3600, clientId: 'app', grantId: 'g1', accountId: 'a', scope: 'openid offline_access', acr: '2', amr: ['pwd'], nonce: 'n', sid: 's', sessionUid: 'u1', claims: {} };
      await tokens.upsert('r1', token, 3600);
      await tokens.consume('r1');
      expect(await tokens.find('r1')).toEqual({ jti: 'r1', kind: 'RefreshToken', ...token });
      await tokens.consume('r1');
      advance(6);
      expect(await tokens.find('r1')).toEqual({ jti: 'r1', kind: 'RefreshToken', exp: token.exp - 6, clientId: 'app', grantId: 'g1', accountId: 'a', scope: 'openid offline_access', consumed: expect.any(Number) });
      await expect(tokens.consume('r1')).rejects.toMatchObject({ error: 'invalid_grant' });
      await tokens.upsert('r2', { ...token, expiresWithSession: true }, 3600);
      await tokens.consume('r2');
      advance(6);
      expect(await tokens.find('r2')).toMatchObject({ expiresWithSession: true, sessionUid: 'u1', consumed: expect.any(Number) });
    });

    it('lets a spent refresh token through to the last moment of the longest grace period, spent late in a second', async () => {
      const tokens = new (createOidcAdapter(store, clock, { refreshTokenGraceSeconds: async () => 60, client: (clientId) => store.get(clientKey(clientId)) }))('RefreshToken');
      // 50 ms before a whole second of the emulator clock, so that `consumed` (whole seconds) is nearly a second early.
      clock.setOffsetMs(clock.offsetMs + (1000 - (clock.nowMs() % 1000)) - 50);
      await tokens.upsert('r1', { exp: clock.nowSeconds() + 3600, clientId: 'app', grantId: 'g1', accountId: 'a', scope: 'openid offline_access', acr: '2' }, 3600);
      await tokens.consume('r1');
      advance(60.02);
      expect(await tokens.find('r1')).toMatchObject({ acr: '2' });
      expect(await tokens.find('r1')).not.toHaveProperty('consumed');
      advance(1);
      expect(await tokens.find('r1')).toMatchObject({ consumed: expect.any(Number) });
    });

    it('refuses to consume a model revoked meanwhile, as when a racing reuse of the code revoked its grant', async () => {
      const codes = adapterFor('AuthorizationCode');
      await codes.upsert('c1', { grantId: 'g1', exp: clock.nowSeconds() + 60 }, 60);
      await codes.revokeByGrantId('g1');
      await expect(codes.consume('c1')).rejects.toMatchObject({ error: 'invalid_grant' });
    });

    it('revokes the grant and what was issued under it when a code is consumed a second time, as a racing exchange does', async () => {
      await adapterFor('Grant').upsert('g1', { accountId: 'a', clientId: 'app', exp: clock.nowSeconds() + 3600 }, 3600);
      await adapterFor('AuthorizationCode').upsert('c1', { grantId: 'g1', exp: clock.nowSeconds() + 60 }, 60);
      await adapterFor('AccessToken').upsert('at', { grantId: 'g1' }, 60);
      await adapterFor('AuthorizationCode').consume('c1');
      await expect(adapterFor('AuthorizationCode').consume('c1')).rejects.toMatchObject({ error: 'invalid_grant' });
      expect(await adapterFor('Grant').find('g1')).toBeUndefined();
      expect(await adapterFor('AccessToken').find('at')).toBeUndefined();
    });

    it('leaves the grant of a refresh token consumed again just after its grace period to oidc-provider (a retry that lost, not a replay)', async () => {
      await adapterFor('Grant').upsert('g1', { accountId: 'a', clientId: 'app', exp: clock.nowSeconds() + 3600 }, 3600);
      await adapterFor('RefreshToken').upsert('r1', { grantId: 'g1', clientId: 'app', exp: clock.nowSeconds() + 3600 }, 3600);
      await adapterFor('RefreshToken').consume('r1');
      advance(6);
      await expect(adapterFor('RefreshToken').consume('r1')).rejects.toMatchObject({ error: 'invalid_grant' });
      expect(await adapterFor('Grant').find('g1')).toBeDefined();
    });

    it('lets a consumed refresh token through for its grace period only', async () => {
      const tokens = adapterFor('RefreshToken');
      await tokens.upsert('r1', { clientId: 'app', exp: clock.nowSeconds() + 3600 }, 3600);
      await tokens.consume('r1');
      expect((await tokens.find('r1'))!.consumed).toBeUndefined();
      advance(6);
      expect((await tokens.find('r1'))!.consumed).toEqual(expect.any(Number));
    });

    it('revokes everything issued under a grant', async () => {
      await adapterFor('AccessToken').upsert('at', { grantId: 'g1' }, 60);
      await adapterFor('RefreshToken').upsert('rt', { grantId: 'g1' }, 60);
      await adapterFor('AccessToken').upsert('other', { grantId: 'g2' }, 60);
      await adapterFor('AccessToken').revokeByGrantId('g1');
      expect(await adapterFor('AccessToken').find('at')).toBeUndefined();
      expect(await adapterFor('RefreshToken').find('rt')).toBeUndefined();
      expect(await adapterFor('AccessToken').find('other')).toBeDefined();
    });

    it('takes a destroyed model out of the indexes that name it, and a renewed session keeps its uid', async () => {
      await adapterFor('Interaction').upsert('i1', { grantId: 'g1' }, 60);
      await adapterFor('AccessToken').upsert('at', { grantId: 'g1' }, 60);
      await adapterFor('Interaction').destroy('i1');
      expect(await store.setMembers('oidc:grant:g1')).toEqual(['oidc:AccessToken:at']);
      await adapterFor('AccessToken').destroy('at');
      expect(await store.setMembers('oidc:grant:g1')).toEqual([]);
      const sessions = adapterFor('Session');
      await sessions.upsert('s1', { uid: 'uid-1', accountId: 'a' }, 60);
      await sessions.destroy('s1');
      expect(await store.get('oidc:uid:uid-1')).toBeUndefined();
      await sessions.upsert('s2', { uid: 'uid-2', accountId: 'a' }, 60);
      await sessions.destroy('s2');
      await sessions.upsert('s3', { uid: 'uid-2', accountId: 'b' }, 60);
      expect(await sessions.findByUid('uid-2')).toMatchObject({ accountId: 'b' });
    });

    it('hands oidc-provider its times on real time, older by every move of the clock since they were stored', async () => {
      const sessions = adapterFor('Session');
      advance(3600);
      await sessions.upsert('s1', { iat: 1000, exp: 2000, loginTs: 1000, accountId: 'a' }, 3600);
      expect(await store.get('oidc:Session:s1')).toMatchObject({ iat: 4600, exp: 5600, loginTs: 4600 });
      expect(await sessions.find('s1')).toMatchObject({ iat: 1000, exp: 2000, loginTs: 1000, accountId: 'a' });
      advance(600);
      expect(await sessions.find('s1')).toMatchObject({ iat: 400, exp: 1400, loginTs: 400, accountId: 'a' });
    });

    it('reads clients from the fixtures', async () => {
      await store.set('client:app', { client_id: 'app' });
      expect(await adapterFor('Client').find('app')).toEqual({ client_id: 'app' });
    });
  });
});

describe('two Redis stores with different prefixes', () => {
  it('share one Redis without seeing or clearing each other', async () => {
    await requireRedis();
    const [a, b] = await Promise.all([RedisStore.connect(REDIS_URL, uniquePrefix(), clock), RedisStore.connect(REDIS_URL, uniquePrefix(), clock)]);
    try {
      await a.set('k', 'a');
      await b.set('k', 'b');
      await a.clear();
      expect(await a.get('k')).toBeUndefined();
      expect(await b.get('k')).toBe('b');
    } finally {
      await b.clear();
      await Promise.all([a.close(), b.close()]);
    }
  });
});

/** Memory is one process; on Redis the callers alternate between two connections, as two replicas would. */
const replicaSets: [string, () => Promise<Store[]>][] = [
  ['memory', async () => [new MemoryStore(clock)]],
  [
    'redis, across two replicas,',
    async () => {
      await requireRedis();
      const prefix = uniquePrefix();
      return Promise.all([RedisStore.connect(REDIS_URL, prefix, clock), RedisStore.connect(REDIS_URL, prefix, clock)]);
    },
  ],
];

const CALLERS = 40;

describe.each(replicaSets)('the %s store with concurrent callers', (_name, open) => {
  let replicas: Store[];
  /** N callers at once, each on the next replica. */
  const concurrently = <T>(n: number, call: (store: Store, i: number) => Promise<T>): Promise<T[]> => Promise.all(Array.from({ length: n }, (_, i) => call(replicas[i % replicas.length]!, i)));

  beforeAll(async () => {
    replicas = await open();
  });
  afterAll(async () => {
    await replicas[0]!.clear();
    await Promise.all(replicas.map((store) => store.close()));
  });
  beforeEach(async () => {
    clock.setOffsetMs(0);
    await replicas[0]!.clear();
  });

  it('lets one of the callers that expect the same value delete it, and none once another value took its place', async () => {
    await replicas[0]!.set('index', 'anna');
    const deleted = await concurrently(CALLERS, (store) => store.deleteIf('index', 'anna'));
    expect(deleted.filter(Boolean)).toHaveLength(1);
    await replicas[0]!.set('index', 'bo');
    expect((await concurrently(CALLERS, (store) => store.deleteIf('index', 'anna'))).filter(Boolean)).toEqual([]);
    expect(await replicas[1 % replicas.length]!.get('index')).toBe('bo');
  });

  it('never shows a reader an empty or half-written store while it is replaced', async () => {
    const seed = (generation: number) => async (fresh: Store) => {
      for (let i = 0; i < 300; i += 1) await fresh.set(`item:${i}`, { generation });
      await fresh.set('last', { generation });
    };
    await replicas[0]!.replaceAll(seed(0));
    let replacing = true;
    const seen: [unknown, unknown][] = [];
    const readers = concurrently(CALLERS, async (store) => {
      while (replacing) seen.push([await store.get('item:0'), await store.get('last')]);
    });
    for (let generation = 1; generation <= 5; generation += 1) await replicas[generation % replicas.length]!.replaceAll(seed(generation));
    replacing = false;
    await readers;
    expect(seen.length).toBeGreaterThan(CALLERS);
    expect(seen.filter(([first, last]) => first === undefined || last === undefined)).toEqual([]);
    expect(await replicas[0]!.get('last')).toEqual({ generation: 5 });
  });

  it('leaves nothing half of what others wrote while it was replaced: what they wrote before is gone, what after stays whole', async () => {
    let replacing = true;
    const written: number[] = [];
    // Each writer writes a pair, then names it in a set: a pair that outlives a replacement must be named.
    const writers = concurrently(8, async (store, i) => {
      for (let n = i; replacing; n += 8) {
        await store.set(`pair:${n}`, n);
        await store.addToSet('pairs', String(n));
        written.push(n);
      }
    });
    const seed = (generation: number) => async (fresh: Store) => {
      for (let i = 0; i < 200; i += 1) await fresh.set(`seeded:${i}`, generation);
    };
    for (let generation = 1; generation <= 20; generation += 1) await replicas[generation % replicas.length]!.replaceAll(seed(generation));
    replacing = false;
    await writers;
    const named = new Set(await replicas[0]!.setMembers('pairs'));
    const unnamed = [];
    for (const n of written) if ((await replicas[0]!.get(`pair:${n}`)) !== undefined && !named.has(String(n))) unnamed.push(n);
    expect(written.length).toBeGreaterThanOrEqual(8);
    expect(unnamed).toEqual([]);
  });

  it('gives a taken value to exactly one caller', async () => {
    await replicas[0]!.set('link', { sub: 'anna' }, 60);
    const taken = await concurrently(CALLERS, (store) => store.take<{ sub: string }>('link'));
    expect(taken.filter(Boolean)).toEqual([{ sub: 'anna' }]);
    expect(await replicas[0]!.get('link')).toBeUndefined();
  });

  it('takes nothing from an entry that lapsed on the emulator clock', async () => {
    await replicas[0]!.set('link', 'v', 60);
    advance(61);
    expect(await replicas[0]!.take('link')).toBeUndefined();
  });

  it('lets exactly one caller add what is absent', async () => {
    const won = await concurrently(CALLERS, (store, i) => store.setIfAbsent('claim', { by: i }, 60));
    expect(won.filter((w) => w)).toHaveLength(1);
    expect(await replicas[0]!.get('claim')).toEqual({ by: won.indexOf(true) });
  });

  it('treats a lapsed entry as absent when adding', async () => {
    expect(await replicas[0]!.setIfAbsent('claim', 'first', 60)).toBe(true);
    expect(await replicas[0]!.setIfAbsent('claim', 'second', 60)).toBe(false);
    advance(61);
    expect(await replicas[0]!.setIfAbsent('claim', 'third', 60)).toBe(true);
    expect(await replicas[0]!.get('claim')).toBe('third');
  });

  it('counts every concurrent increment once', async () => {
    const counts = await concurrently(CALLERS, (store) => store.increment('count', 60));
    expect(counts.sort((a, b) => a! - b!)).toEqual(Array.from({ length: CALLERS }, (_, i) => i + 1));
    expect(await replicas[0]!.get('count')).toBe(CALLERS);
  });

  it('lets exactly max increments through a limit, leaving the rest undefined', async () => {
    const counts = await concurrently(CALLERS, (store) => store.increment('limited', 60, 7));
    expect(counts.filter((c) => c !== undefined).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(await replicas[0]!.get('limited')).toBe(7);
  });

  it('starts a count over once it lapsed, the TTL counting from the latest increment', async () => {
    await replicas[0]!.increment('count', 60);
    advance(50);
    await replicas[0]!.increment('count', 60);
    advance(50);
    expect(await replicas[0]!.increment('count', 60)).toBe(3);
    advance(61);
    expect(await replicas[0]!.increment('count', 60)).toBe(1);
  });

  it('loses no update when callers change one entry at once', async () => {
    await replicas[0]!.set('list', { items: [] as number[] });
    await concurrently(CALLERS, (store, i) => store.update<{ items: number[] }>('list', (current) => ({ items: [...(current?.items ?? []), i] })));
    const { items } = (await replicas[0]!.get<{ items: number[] }>('list'))!;
    expect(items.sort((a, b) => a - b)).toEqual(Array.from({ length: CALLERS }, (_, i) => i));
  });

  it('lets exactly one caller win a conditional update', async () => {
    await replicas[0]!.set('code', { consumed: false });
    const winners: number[] = [];
    await concurrently(CALLERS, async (store, i) => {
      let won = false;
      await store.update<{ consumed: boolean }>('code', (current) => {
        won = current?.consumed === false;
        return won ? { consumed: true } : undefined;
      });
      if (won) winners.push(i);
    });
    expect(winners).toHaveLength(1);
  });

  it('keeps the expiry an updated entry had, unless given a new one', async () => {
    await replicas[0]!.set('e', 1, 60);
    advance(30);
    expect(await replicas[0]!.update<number>('e', (n) => n! + 1)).toBe(2);
    advance(31);
    expect(await replicas[0]!.get('e')).toBeUndefined();
    expect(await replicas[0]!.update<number>('e', (n) => (n ?? 0) + 1, 60)).toBe(1);
    expect(await replicas[0]!.update<number>('e', () => undefined)).toBe(1);
  });

  it("consumes an authorization code for exactly one of oidc-provider's concurrent exchanges", async () => {
    const adapters = replicas.map((store) => new (createOidcAdapter(store, clock, { refreshTokenGraceSeconds: async () => 5, client: (clientId) => store.get(clientKey(clientId)) }))('AuthorizationCode'));
    await adapters[0]!.upsert('code', { exp: clock.nowSeconds() + 60 }, 60);
    const outcomes = await Promise.allSettled(Array.from({ length: CALLERS }, (_, i) => adapters[i % adapters.length]!.consume('code')));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => o.reason.error)).toEqual(Array(CALLERS - 1).fill('invalid_grant'));
  });

  it('gives every one of concurrent refreshes with a one-time refresh token the whole token within its grace period', async () => {
    const adapters = replicas.map((store) => new (createOidcAdapter(store, clock, { refreshTokenGraceSeconds: async () => 5, client: (clientId) => store.get(clientKey(clientId)) }))('RefreshToken'));
    const token = { jti: 'rt', kind: 'RefreshToken', exp: clock.nowSeconds() + 3600, clientId: 'app', grantId: 'g1', accountId: 'a', scope: 'openid offline_access', acr: '2', amr: ['pwd'], sid: 's' };
    await adapters[0]!.upsert('rt', token, 3600);
    // As oidc-provider's refresh_token grant does: find the token, then spend it.
    const refreshes = await Promise.all(
      Array.from({ length: CALLERS }, async (_, i) => {
        const adapter = adapters[i % adapters.length]!;
        const found = await adapter.find('rt');
        await adapter.consume('rt');
        return found;
      }),
    );
    expect(refreshes).toEqual(Array(CALLERS).fill(token));
    expect(await Promise.all(adapters.map((adapter) => adapter.find('rt')))).toEqual(adapters.map(() => token));
    advance(6);
    expect(await adapters[adapters.length - 1]!.find('rt')).toMatchObject({ consumed: expect.any(Number) });
    expect(await adapters[adapters.length - 1]!.find('rt')).not.toHaveProperty('acr');
  });
});
