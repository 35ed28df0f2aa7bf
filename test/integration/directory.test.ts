import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Directory, type Tenant } from '../../provider/directory/index.js';
import { MemoryStore, type Store } from '../../provider/store/index.js';
import { RedisStore } from '../../provider/store/redis-store.js';
import { REDIS_URL, requireRedis, uniquePrefix } from '../support/redis.js';

/** Tenants, e-mail domains, clients and acr settings, on the store the project runs on. */
const onRedis = process.env['TEST_STORE'] === 'redis';
const tenant = (id: string, extra: Partial<Tenant> = {}): Tenant => ({ id, name: `Tenant ${id}`, verifiedDomains: [], allowedDomains: [], trustedNetworks: [], applications: [], ...extra });

describe('the Directory', () => {
  let store: Store;
  let directory: Directory;

  beforeAll(async () => {
    if (onRedis) await requireRedis();
    store = onRedis ? await RedisStore.connect(REDIS_URL, uniquePrefix()) : new MemoryStore();
    directory = new Directory(store);
    await directory.seed({
      acr: undefined,
      tenants: [tenant('t1', { trustedNetworks: ['192.0.2.0/24'] }), tenant('t2')],
      domains: [{ name: 'strikt.se', twoFactor: 'required' }],
      clients: [{ client_id: 'api', tenants: ['t1'] }],
    });
  });
  afterAll(async () => {
    await store.clear();
    await store.close();
  });

  it("reads a domain's 2FA policy from the address's domain, whatever its case", async () => {
    expect(await directory.domainPolicy('anna@STRIKT.se')).toBe('required');
    expect(await directory.domainRequiresTwoFactor({ email: 'bo@strikt.se' })).toBe(true);
    expect(await directory.domainPolicy('anna@annat.se')).toBe('optional');
  });

  it('gives the default acr settings when the fixtures give none', async () => {
    expect(await directory.acr()).toMatchObject({ password: '2', twoFactor: '3' });
  });

  it("knows a user's trusted networks from the user's tenants only", async () => {
    expect(await directory.onTrustedNetwork(['t1'], '192.0.2.7')).toBe(true);
    expect(await directory.onTrustedNetwork(['t2'], '192.0.2.7')).toBe(false);
    expect(await directory.onTrustedNetwork(['t1'], '::ffff:192.0.2.7')).toBe(true);
  });

  it('lets a client act for the tenants it lists, and tells an unknown tenant apart', async () => {
    expect(await directory.serviceTenantAccess('api', 't1')).toBe('granted');
    expect(await directory.serviceTenantAccess('api', 't2')).toBe('not-listed');
    expect(await directory.serviceTenantAccess('api', 'nope')).toBe('unknown-tenant');
    expect(await directory.serviceTenantAccess('unlisted-client', 't2')).toBe('granted');
  });

  it('creates a tenant once when many create it at the same moment', async () => {
    const created = await Promise.all(Array.from({ length: 20 }, (_, i) => directory.createTenant(tenant('t-new', { name: `Try ${i}` }))));
    expect(created.filter(Boolean)).toHaveLength(1);
    expect((await directory.allTenants()).filter((t) => t.id === 't-new')).toHaveLength(1);
  });

  it('gives an external id to one tenant of many claiming it at once', async () => {
    const claims = await Promise.all(['a', 'b', 'c', 'd'].map((id) => directory.claimExternalId('ext-1', id, { held: false })));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('loses no change when a tenant is changed by many at once', async () => {
    await Promise.all(Array.from({ length: 10 }, (_, i) => directory.updateTenant('t2', (current) => ({ ...current, applications: [...(current.applications ?? []), `app-${i}`] }))));
    expect((await directory.tenant('t2'))!.applications).toHaveLength(10);
  });
});
