import { hasSecondFactor, type Account, type AccountRepository, type EmailVerification, type EmailVerifications, type LinkedApplication } from '../accounts/index.js';
import type { Directory, Tenant } from '../directory/index.js';
import { NotAllowed, NotFound } from '../errors/index.js';
import type { ApiCaller } from './bearer-auth.js';

export interface TenantViewDependencies {
  directory: Directory;
  accounts: AccountRepository;
  verifications: EmailVerifications;
}

/**
 * What one /api/v1 caller can see, resolved once from its token: every lookup the API makes by an id
 * or e-mail the caller sent goes through here. A token bound to a tenant sees that tenant only: its
 * members (account.tenants), the verifications started for it, its own domains, and the application
 * links made in it. Anything else answers exactly as if it did not exist (404), so a token cannot
 * learn what other tenants hold. A token without a tenant is a global client and sees every tenant.
 */
export class TenantView {
  readonly clientId: string;
  /** The token's tenant; undefined for a global client. */
  readonly tenantId: string | undefined;
  readonly #deps: TenantViewDependencies;

  constructor(caller: ApiCaller, deps: TenantViewDependencies) {
    this.clientId = caller.clientId;
    this.tenantId = caller.tenantId;
    this.#deps = deps;
  }

  /** The tenant a call acts for: the one the request names, else the token's. A tenant-bound token cannot act for another. */
  async actingTenant(requested: string | undefined): Promise<Tenant | undefined> {
    if (this.tenantId !== undefined && requested !== undefined && requested !== this.tenantId) {
      throw new NotAllowed(`the access token is for tenant ${this.tenantId}, not ${requested}`, 'tenant_mismatch');
    }
    const id = requested ?? this.tenantId;
    return id === undefined ? undefined : this.tenant(id);
  }

  async tenant(id: string): Promise<Tenant> {
    const tenant = this.#sees(id) ? await this.#deps.directory.tenant(id) : undefined;
    if (!tenant) throw new NotFound(`no tenant has the id ${id}`, 'tenant_not_found');
    return tenant;
  }

  async user(userId: string): Promise<Account> {
    const account = await this.#deps.accounts.findBySub(userId);
    if (!account || !this.#seesAccount(account)) throw new NotFound(`no user has the id ${userId}`, 'user_not_found');
    return account;
  }

  async userByEmail(email: string): Promise<Account> {
    const account = await this.#deps.accounts.findByEmail(email);
    if (!account || !this.#seesAccount(account)) throw new NotFound(`no user has the e-mail ${email}`, 'user_not_found');
    return account;
  }

  async verification(id: string): Promise<EmailVerification> {
    const verification = await this.#deps.verifications.find(id);
    if (!verification || !this.#sees(verification.tenantId)) throw new NotFound(`no e-mail verification has the id ${id}`);
    return verification;
  }

  /** The account's links this caller may see and remove: for a tenant-bound token, those made in its tenant. */
  links(account: Account): LinkedApplication[] {
    return account.applications.filter((app) => this.#sees(app.tenantId));
  }

  /** The account as this caller may see it: a tenant-bound token sees its own tenant and links only. */
  describeUser(account: Account): Record<string, unknown> {
    return {
      userId: account.sub,
      email: account.email,
      emailVerified: account.emailVerified,
      givenName: account.givenName,
      familyName: account.familyName,
      locale: account.locale,
      tenants: account.tenants.filter((tenantId) => this.#sees(tenantId)),
      applications: this.links(account).map((app) => ({ clientId: app.clientId, tenantId: app.tenantId ?? null, linkedAt: new Date(app.linkedAt * 1000).toISOString() })),
      hasPassword: account.passwordHash !== undefined,
      twoFactorEnabled: hasSecondFactor(account),
    };
  }

  #sees(tenantId: string | undefined): boolean {
    return this.tenantId === undefined || tenantId === this.tenantId;
  }

  #seesAccount(account: Account): boolean {
    return this.tenantId === undefined || account.tenants.includes(this.tenantId);
  }
}
