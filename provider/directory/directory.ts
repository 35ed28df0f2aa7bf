import { emailDomain, type Account } from '../accounts/index.js';
import { DEFAULT_ACR } from '../fixtures/acr-defaults.js';
import type { AcrSettings } from '../fixtures/schema.js';
import { inNetworks } from '../risk/trusted-networks.js';
import { CachedReadsByKey, clientKey, type Store } from '../store/index.js';
import type { Application, Domain, DomainPolicy, Tenant } from './records.js';

const tenantKey = (id: string): string => `tenant:${id}`;
const domainKey = (name: string): string => `domain:${name.toLowerCase()}`;
const ACR_SETTINGS_KEY = 'settings:acr';
/** Every tenant's id, so tenants can be listed (the Public API). */
const TENANT_IDS_KEY = 'tenant-ids';
/** Every domain policy's name and every fixture client's id, so they can be listed (the control room). */
const DOMAIN_NAMES_KEY = 'domain-names';
const CLIENT_IDS_KEY = 'client-ids';
/** One tenant per external id (the index holds the tenant's id). */
const externalIdKey = (externalId: string): string => `tenant-external-id:${externalId}`;
/** Announced (Store.announce) after any write of tenants, domains, clients or acr settings: caches of them read again. */
export const DIRECTORY_TOPIC = 'directory';

/** What the fixtures put in the directory (fixtures/prepare.ts); acr settings only when given. */
export interface DirectoryEntries {
  acr: AcrSettings | undefined;
  tenants: Tenant[];
  domains: Domain[];
  clients: Application[];
}

/**
 * Tenants, e-mail domains, clients and acr settings: seeded from the fixtures, changed at run time by
 * POST /_mock/fixtures and the Public API, and read by everyone through here (never by store key).
 */
export class Directory {
  readonly #store: Store;
  /**
   * Every request of a sign-in reads its client, and most its acr settings, domain and tenants: they are
   * read once and kept (frozen: every caller shares them) until a write here announces a change.
   */
  readonly #cached: CachedReadsByKey<unknown>;

  constructor(store: Store) {
    this.#store = store;
    this.#cached = new CachedReadsByKey(store, DIRECTORY_TOPIC, async (key) => deepFreeze(await store.get(key)));
  }

  /** Writes entries over what is there (the fixtures at start and reset, an overlay at run time). */
  async seed(entries: DirectoryEntries): Promise<void> {
    await Promise.all([
      ...(entries.acr ? [this.#store.set(ACR_SETTINGS_KEY, entries.acr)] : []),
      ...entries.tenants.flatMap((tenant) => [this.#store.set(tenantKey(tenant.id), tenant), this.#store.addToSet(TENANT_IDS_KEY, tenant.id)]),
      ...entries.domains.flatMap((domain) => [this.#store.set(domainKey(domain.name), domain), this.#store.addToSet(DOMAIN_NAMES_KEY, domain.name.toLowerCase())]),
      ...entries.clients.flatMap((client) => [this.#store.set(clientKey(client.client_id), client), this.#store.addToSet(CLIENT_IDS_KEY, client.client_id)]),
    ]);
    await this.#cached.changed();
  }

  /** The acr values tokens carry and requests ask for. */
  async acr(): Promise<AcrSettings> {
    return ((await this.#cached.get(ACR_SETTINGS_KEY)) as AcrSettings | undefined) ?? DEFAULT_ACR;
  }

  // Tenants

  tenant(id: string): Promise<Tenant | undefined> {
    return this.#cached.get(tenantKey(id)) as Promise<Tenant | undefined>;
  }

  async tenantExists(id: string): Promise<boolean> {
    return (await this.tenant(id)) !== undefined;
  }

  /** Read past the cache: for a check that must see a delete another replica made a moment ago, before its announcement came. */
  async tenantStoredNow(id: string): Promise<boolean> {
    return (await this.#store.get(tenantKey(id))) !== undefined;
  }

  /** The tenants with these ids that exist, in the same order. */
  async tenants(ids: readonly string[]): Promise<Tenant[]> {
    return (await Promise.all(ids.map((id) => this.tenant(id)))).filter((tenant): tenant is Tenant => tenant !== undefined);
  }

  async allTenants(): Promise<Tenant[]> {
    return this.tenants(await this.#store.setMembers(TENANT_IDS_KEY));
  }

  /** Adds a tenant unless one has its id: false when one had (of concurrent callers, one gets true). */
  async createTenant(tenant: Tenant): Promise<boolean> {
    if (!(await this.#store.setIfAbsent(tenantKey(tenant.id), tenant))) return false;
    await Promise.all([this.#store.addToSet(TENANT_IDS_KEY, tenant.id), this.#cached.changed()]);
    return true;
  }

  /** Changes a tenant with no concurrent change lost (`change` answers undefined to keep it): the tenant afterwards, undefined when there is none. */
  async updateTenant(id: string, change: (tenant: Tenant) => Tenant | undefined): Promise<Tenant | undefined> {
    let changed = false;
    const updated = await this.#store.update<Tenant>(tenantKey(id), (current) => {
      const next = current && change(current);
      changed = next !== undefined;
      return next;
    });
    if (changed) await this.#cached.changed();
    return updated;
  }

  async deleteTenant(tenant: Tenant): Promise<void> {
    await this.#store.delete(tenantKey(tenant.id));
    await Promise.all([this.#store.removeFromSet(TENANT_IDS_KEY, tenant.id), this.#cached.changed()]);
    if (tenant.externalId !== undefined) await this.releaseExternalId(tenant.externalId);
  }

  /** Takes an external id for a tenant: false when another tenant holds it (`held`: this tenant may hold it already). */
  async claimExternalId(externalId: string, tenantId: string, { held }: { held: boolean }): Promise<boolean> {
    if (await this.#store.setIfAbsent(externalIdKey(externalId), tenantId)) return true;
    return held && (await this.#store.get<string>(externalIdKey(externalId))) === tenantId;
  }

  async releaseExternalId(externalId: string): Promise<void> {
    await this.#store.delete(externalIdKey(externalId));
  }

  /** Whether the address is on a trusted network of one of these tenants (the user's). */
  async onTrustedNetwork(tenantIds: readonly string[], ip: string): Promise<boolean> {
    return (await this.tenants(tenantIds)).some((tenant) => inNetworks(ip, tenant.trustedNetworks));
  }

  // E-mail domains

  /** The 2FA policy of the address's domain: `optional` unless the domain's settings say `required`. */
  async domainPolicy(email: string): Promise<DomainPolicy> {
    return ((await this.#cached.get(domainKey(emailDomain(email)))) as Domain | undefined)?.twoFactor ?? 'optional';
  }

  /** Every user on the domain must have 2FA ("highest security wins"): they cannot remove it. */
  async domainRequiresTwoFactor(account: Pick<Account, 'email'>): Promise<boolean> {
    return (await this.domainPolicy(account.email)) === 'required';
  }

  /** Every domain with a policy, in no particular order. */
  async allDomains(): Promise<Domain[]> {
    const names = await this.#store.setMembers(DOMAIN_NAMES_KEY);
    return defined(await Promise.all(names.map((name) => this.#cached.get(domainKey(name)) as Promise<Domain | undefined>)));
  }

  // Clients

  /** Every client the fixtures (or an overlay) gave, in no particular order; not the emulator's own clients. */
  async fixtureClients(): Promise<Application[]> {
    const ids = await this.#store.setMembers(CLIENT_IDS_KEY);
    return defined(await Promise.all(ids.map((id) => this.client(id))));
  }

  client(clientId: string): Promise<Application | undefined> {
    return this.#cached.get(clientKey(clientId)) as Promise<Application | undefined>;
  }

  async saveClient(client: Application): Promise<void> {
    await this.#store.set(clientKey(client.client_id), client);
    await this.#cached.changed();
  }

  /**
   * Whether a client_credentials token of this client may be bound to the tenant (`tenant_id`): the
   * tenant must exist, and the client's `tenants` list, when it has one, must name it.
   */
  async serviceTenantAccess(clientId: string, tenantId: string): Promise<'granted' | 'unknown-tenant' | 'not-listed'> {
    const [client, exists] = await Promise.all([this.client(clientId), this.tenantExists(tenantId)]);
    if (!exists) return 'unknown-tenant';
    return client?.tenants === undefined || client.tenants.includes(tenantId) ? 'granted' : 'not-listed';
  }
}

/** Frozen all the way down: a value kept for every caller cannot be changed by one of them. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

const defined = <T>(values: (T | undefined)[]): T[] => values.filter((value): value is T => value !== undefined);
