import { displayName, linkOrCreateAccount, MAX_WRONG_VERIFICATION_CODES, statusOf, type Account, type AccountRepository, type EmailVerification, type EmailVerifications } from '../accounts/index.js';
import { tenantKey, type TenantFixture } from '../fixtures/index.js';
import { HttpError } from '../http/index.js';
import type { AccountMails } from '../mail/index.js';
import type { Store } from '../store/index.js';
import type { ApiCaller } from './bearer-auth.js';
import type { VerificationRequest } from './requests.js';

export interface ProvisioningDependencies {
  store: Store;
  accounts: AccountRepository;
  verifications: EmailVerifications;
  mails: AccountMails;
}

export interface ApiResult {
  status: number;
  body: Record<string, unknown>;
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

/** What the HRM's "Koppling till Visma Connect" does, independent of HTTP. */
export class Provisioning {
  constructor(private readonly deps: ProvisioningDependencies) {}

  /** The caller's tenant, or the one it names (which must be its own when its token has one). */
  async tenant(caller: ApiCaller, requested: string | undefined): Promise<TenantFixture | undefined> {
    if (caller.tenantId && requested && requested !== caller.tenantId) {
      throw new HttpError(403, 'tenant_mismatch', `the access token is for tenant ${caller.tenantId}, not ${requested}`);
    }
    const id = requested ?? caller.tenantId;
    if (id === undefined) return undefined;
    const tenant = await this.deps.store.get<TenantFixture>(tenantKey(id));
    if (!tenant) throw new HttpError(404, 'tenant_not_found', `no tenant has the id ${id}`);
    return tenant;
  }

  /** Verified domain: linked at once, no mail (201). Otherwise a code or link mail (202). */
  async startVerification(caller: ApiCaller, request: VerificationRequest): Promise<ApiResult> {
    const tenant = await this.tenant(caller, request.tenantId);
    const domain = domainOf(request.email);
    if (tenant && tenant.allowedDomains.length > 0 && !tenant.allowedDomains.includes(domain)) {
      throw new HttpError(400, 'domain_not_allowed', `${tenant.name} allows only ${tenant.allowedDomains.join(', ')}, not ${domain}`);
    }
    const existing = await this.deps.accounts.findByEmail(request.email);
    const locale = request.locale ?? existing?.locale ?? 'sv-SE';
    if (tenant?.verifiedDomains.includes(domain)) {
      const { account, created } = await linkOrCreateAccount(this.deps.accounts, { email: request.email, clientId: caller.clientId, tenantId: tenant.id, locale });
      return { status: 201, body: { status: 'linked', userId: account.sub, created } };
    }
    const { verification, secret } = await this.deps.verifications.start({ email: request.email, delivery: request.delivery, clientId: caller.clientId, tenantId: tenant?.id, locale });
    const name = existing ? displayName(existing) : request.email;
    if (request.delivery === 'code') await this.deps.mails.verificationCode(verification, secret, name);
    else await this.deps.mails.verificationLink(verification, secret, name);
    return { status: 202, body: { id: verification.id, status: 'pending', expiresAt: iso(verification.expiresAt) } };
  }

  async verification(id: string): Promise<EmailVerification> {
    const verification = await this.deps.verifications.find(id);
    if (!verification) throw new HttpError(404, 'not_found', `no e-mail verification has the id ${id}`);
    return verification;
  }

  describe(verification: EmailVerification): Record<string, unknown> {
    return {
      id: verification.id,
      email: verification.email,
      delivery: verification.delivery,
      status: statusOf(verification),
      expiresAt: iso(verification.expiresAt),
      ...(verification.verified && { userId: verification.verified.userId, created: verification.verified.created }),
    };
  }

  async verifyCode(id: string, code: string): Promise<ApiResult> {
    const verification = await this.verification(id);
    if (verification.verified) return { status: 200, body: { status: 'verified', ...verification.verified } };
    if (verification.delivery !== 'code') throw new HttpError(400, 'invalid_request', 'this verification was sent as a link: the user confirms it by opening the link');
    if (statusOf(verification) === 'expired') throw new HttpError(410, 'expired', `the code expired at ${iso(verification.expiresAt)}; start a new verification`);
    const outcome = await this.deps.verifications.tryCode(verification, code);
    if (outcome === 'used-up') throw new HttpError(429, 'too_many_attempts', `${MAX_WRONG_VERIFICATION_CODES} wrong codes were given; start a new verification`);
    if (outcome === 'wrong') throw new HttpError(400, 'invalid_code', 'the code is not the one that was sent');
    const verified = await this.complete(verification);
    return { status: 200, body: { status: 'verified', ...verified } };
  }

  /**
   * The address is confirmed (code or link): link the existing account or create one. Concurrent
   * confirmations (of this verification or of others for the same new address) make one account and
   * send one "account created" mail.
   */
  async complete(verification: EmailVerification): Promise<{ userId: string; created: boolean }> {
    const { account, created } = await linkOrCreateAccount(this.deps.accounts, {
      email: verification.email,
      clientId: verification.clientId,
      tenantId: verification.tenantId,
      locale: verification.locale,
    });
    const { verified } = await this.deps.verifications.markVerified(verification, { userId: account.sub, created });
    if (created) await this.deps.mails.accountCreated(account);
    return verified!;
  }

  async user(userId: string): Promise<Account> {
    const account = await this.deps.accounts.findBySub(userId);
    if (!account) throw new HttpError(404, 'user_not_found', `no user has the id ${userId}`);
    return account;
  }
}

export function describeUser(account: Account): Record<string, unknown> {
  return {
    userId: account.sub,
    email: account.email,
    emailVerified: account.emailVerified,
    givenName: account.givenName,
    familyName: account.familyName,
    locale: account.locale,
    tenants: account.tenants,
    applications: account.applications.map((app) => ({ clientId: app.clientId, tenantId: app.tenantId ?? null, linkedAt: iso(app.linkedAt) })),
    hasPassword: account.passwordHash !== undefined,
    twoFactorEnabled: account.totpSecret !== undefined,
  };
}
