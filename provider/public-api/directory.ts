import { emailDomain, type Account, type AccountRepository, type LoginLockout } from '../accounts/index.js';
import type { Directory } from '../directory/index.js';
import type { AccountMails } from '../mail/index.js';
import type { Clock } from '../time/index.js';
import type { Caller } from './auth.js';
import { PublicApiError } from './errors.js';
import type { ApplicationRecord, TenantRecord } from './records.js';
import { userResource } from './resources.js';

export interface PublicApiDirectoryDependencies {
  directory: Directory;
  accounts: AccountRepository;
  lockout: LoginLockout;
  mails: AccountMails;
  clock: Clock;
}

/**
 * The Directory and the accounts as a Public API caller may see them, and the lookups every route
 * shares. A token bound to a tenant (`tenant_id`)
 * sees that tenant and its users only: anything else is not found (404), as if it did not exist.
 */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class PublicApiDirectory {
  readonly directory: Directory;
  readonly accounts: AccountRepository;
  readonly mails: AccountMails;
  readonly clock: Clock;
  readonly #lockout: LoginLockout;

  constructor(deps: PublicApiDirectoryDependencies) {
    this.directory = deps.directory;
    this.accounts = deps.accounts;
    this.mails = deps.mails;
    this.clock = deps.clock;
    this.#lockout = deps.lockout;
  }

  async user(caller: Caller, id: string): Promise<Account> {
    const account = await this.accounts.findBySub(id.toLowerCase());
    if (!account || !this.sees(caller, account)) throw new PublicApiError('ERROR_USER_NOT_FOUND', `no user has the id ${id}`);
    return account;
  }

  /**
   * A user the caller may change as a whole (the profile, suspension, the account itself): any, for a
   * token without tenant_id; for a tenant-bound one, a user of its tenant and nobody else's: in no
   * other tenant, and linked to no application outside it. A user it linked from elsewhere (by id or by
   * e-mail) is its member to read, not its account to delete or suspend for everyone else.
   */
  async managedUser(caller: Caller, id: string): Promise<Account> {
    const account = await this.user(caller, id);
    const bound = caller.tenantId;
    const shared = bound !== undefined && (account.tenants.some((tenant) => tenant !== bound) || account.applications.some((link) => link.tenantId !== bound));
    if (shared) {
      throw new PublicApiError(
        'ERROR_TENANT_BOUND_TOKEN',
        `user ${account.sub} belongs to others too (another tenant, or an application outside this one): a token bound to tenant ${caller.tenantId} changes only users of that tenant alone (remove them from it with DELETE /v1.0/tenants/${caller.tenantId}/users/${account.sub}, or use a token without tenant_id)`,
      );
    }
    return account;
  }

  sees(caller: Caller, account: Account): boolean {
    return caller.tenantId === undefined || account.tenants.includes(caller.tenantId);
  }

  async tenant(caller: Caller, given: string): Promise<TenantRecord> {
    // A GUID in any case, as ASP.NET compares Guids: made through the API it is stored lower-cased, in
    // fixtures as written.
    const spellings = GUID.test(given) ? [...new Set([given, given.toLowerCase(), given.toUpperCase()])] : [given];
    const allowed = (id: string) => caller.tenantId === undefined || caller.tenantId === id || (GUID.test(id) && caller.tenantId.toLowerCase() === id.toLowerCase());
    for (const id of spellings) {
      const tenant = allowed(id) ? await this.directory.tenant(id) : undefined;
      if (tenant) return tenant;
    }
    throw new PublicApiError('ERROR_TENANT_NOT_FOUND', `no tenant has the id ${given}`);
  }

  async application(clientId: string): Promise<ApplicationRecord> {
    const client = await this.directory.client(clientId);
    if (!client) throw new PublicApiError('ERROR_APPLICATION_NOT_FOUND', `no application has the id ${clientId}`);
    return client;
  }

  /** The tenant and one of its applications. */
  async tenantApplication(caller: Caller, tenantId: string, clientId: string): Promise<{ tenant: TenantRecord; application: ApplicationRecord }> {
    const tenant = await this.tenant(caller, tenantId);
    const application = await this.application(clientId);
    if (!(tenant.applications ?? []).includes(clientId)) throw new PublicApiError('ERROR_APPLICATION_NOT_FOUND', `${clientId} is not an application of tenant ${tenantId}`);
    return { tenant, application };
  }

  /** A user who belongs to the tenant. */
  async member(tenant: TenantRecord, userId: string): Promise<Account> {
    const account = await this.accounts.findBySub(userId.toLowerCase());
    if (!account?.tenants.includes(tenant.id)) throw new PublicApiError('ERROR_USER_NOT_FOUND', `no user with the id ${userId} belongs to tenant ${tenant.id}`);
    return account;
  }

  async members(tenantId: string): Promise<Account[]> {
    return (await this.accounts.all()).filter((account) => account.tenants.includes(tenantId)).sort((a, b) => a.email.localeCompare(b.email));
  }

  /** Changes an account with no concurrent change lost; a user deleted meanwhile is not found. */
  async updateUser(sub: string, change: (account: Account) => Account | undefined): Promise<Account> {
    const updated = await this.accounts.update(sub, change);
    if (!updated) throw new PublicApiError('ERROR_USER_NOT_FOUND', `no user has the id ${sub}`);
    return updated;
  }

  /** A tenant with allowed domains takes users of those domains only (as /api/v1 does). */
  checkDomain(tenant: TenantRecord | undefined, email: string): void {
    const domain = emailDomain(email);
    if (tenant && tenant.allowedDomains.length > 0 && !tenant.allowedDomains.includes(domain)) {
      throw new PublicApiError('ERROR_DOMAIN_NOT_ALLOWED', `${tenant.name} allows only ${tenant.allowedDomains.join(', ')}, not ${domain}`);
    }
  }

  /**
   * After a user joined `tenantId` (added to it, or created or linked by a token bound to it): when the
   * tenant was deleted meanwhile, after its delete took its members out, the user is taken out too (an
   * account the request made is deleted) and the request fails as if the tenant had been gone first.
   * Read past the directory's cache: the delete may be another replica's, not announced yet.
   */
  async stayInTenant(tenantId: string, sub: string, { made }: { made: boolean }): Promise<void> {
    if (await this.directory.tenantStoredNow(tenantId)) return;
    if (made) await this.accounts.delete(sub);
    else await this.accounts.update(sub, (current) => withoutTenant(current, tenantId));
    throw new PublicApiError('ERROR_TENANT_NOT_FOUND', `tenant ${tenantId} was deleted while the user joined it`);
  }

  async describe(account: Account): Promise<Record<string, unknown>> {
    return userResource(account, await this.#lockout.failures(account.sub));
  }
}

/** The account without a tenant: not a member, no links or roles there. */
export function withoutTenant(account: Account, tenantId: string): Account {
  return {
    ...account,
    tenants: account.tenants.filter((id) => id !== tenantId),
    applications: account.applications.filter((app) => app.tenantId !== tenantId),
    applicationRoles: (account.applicationRoles ?? []).filter((entry) => entry.tenantId !== tenantId),
  };
}
