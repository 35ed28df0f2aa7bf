import { displayName, emailDomain, linkOrCreateAccount, type AccountRepository, type LinkedApplication, type EmailVerification, type EmailVerifications } from '../accounts/index.js';
import { VISMA_FACTS } from '../config/index.js';
import { Expired, InvalidRequest, NotFound, TooManyAttempts } from '../errors/index.js';
import type { AccountMails } from '../mail/index.js';
import type { Directory } from '../directory/index.js';
import type { Clock } from '../time/index.js';
import type { ApiCaller } from './bearer-auth.js';
import type { VerificationRequest } from './requests.js';
import { TenantView } from './tenant-view.js';

export interface ProvisioningDependencies {
  directory: Directory;
  accounts: AccountRepository;
  verifications: EmailVerifications;
  mails: AccountMails;
  clock: Clock;
}

/** A verification started: the account was linked at once (a verified domain), or a mail went out. */
export type StartedVerification = { status: 'linked'; userId: string; created: boolean } | { status: 'pending'; id: string; expiresAt: string };

/** A confirmed address: the account it was linked to, and whether it was made for it. */
export interface VerifiedAddress {
  userId: string;
  created: boolean;
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** What the HRM's "Koppling till Visma Connect" does, independent of HTTP. */
export class Provisioning {
  constructor(private readonly deps: ProvisioningDependencies) {}

  /** The only way the API's routes reach users, verifications and tenants: scoped to the caller's tenant. */
  viewFor(caller: ApiCaller): TenantView {
    return new TenantView(caller, this.deps);
  }

  /** Verified domain: linked at once, no mail. Otherwise a code or link mail. */
  async startVerification(view: TenantView, request: VerificationRequest): Promise<StartedVerification> {
    const tenant = await view.actingTenant(request.tenantId);
    const domain = emailDomain(request.email);
    if (tenant && tenant.allowedDomains.length > 0 && !tenant.allowedDomains.includes(domain)) {
      throw new InvalidRequest(`${tenant.name} allows only ${tenant.allowedDomains.join(', ')}, not ${domain}`, 'domain_not_allowed');
    }
    const existing = await this.deps.accounts.findByEmail(request.email);
    const locale = request.locale ?? existing?.locale ?? 'sv-SE';
    if (tenant?.verifiedDomains.includes(domain)) {
      const { account, created } = await linkOrCreateAccount(this.deps.accounts, { email: request.email, clientId: view.clientId, tenantId: tenant.id, locale, at: this.deps.clock.nowSeconds() });
      return { status: 'linked', userId: account.sub, created };
    }
    const { verification, secret } = await this.deps.verifications.start({ email: request.email, delivery: request.delivery, clientId: view.clientId, tenantId: tenant?.id, locale });
    const name = existing ? displayName(existing) : request.email;
    if (request.delivery === 'code') await this.deps.mails.verificationCode(verification, secret, name);
    else await this.deps.mails.verificationLink(verification, secret, name);
    return { status: 'pending', id: verification.id, expiresAt: iso(verification.expiresAt) };
  }

  describe(verification: EmailVerification): Record<string, unknown> {
    return {
      id: verification.id,
      email: verification.email,
      delivery: verification.delivery,
      status: this.deps.verifications.statusOf(verification),
      expiresAt: iso(verification.expiresAt),
      ...(verification.verified && { userId: verification.verified.userId, created: verification.verified.created }),
    };
  }

  async verifyCode(view: TenantView, id: string, code: string): Promise<VerifiedAddress> {
    const verification = await view.verification(id);
    if (verification.delivery !== 'code') {
      if (verification.verified) return verification.verified;
      throw new InvalidRequest('this verification was sent as a link: the user confirms it by opening the link');
    }
    const wrongCode = () => new InvalidRequest('the code is not the one that was sent', 'invalid_code');
    // Asked again (a retry), a confirmed verification answers as it did, to its own code only.
    if (verification.verified) {
      if (!this.deps.verifications.isItsCode(verification, code)) throw wrongCode();
      return verification.verified;
    }
    if (this.deps.verifications.statusOf(verification) === 'expired') throw new Expired(`the code expired at ${iso(verification.expiresAt)}; start a new verification`);
    const outcome = await this.deps.verifications.tryCode(verification, code);
    if (outcome === 'used-up') throw new TooManyAttempts(`${VISMA_FACTS.emailVerification.maxWrongCodes} wrong codes were given; start a new verification`);
    if (outcome === 'wrong') throw wrongCode();
    return this.complete(verification);
  }

  /**
   * The address is confirmed (code or link): link the existing account or create one. Concurrent
   * confirmations (of this verification or of others for the same new address) make one account and
   * send one "account created" mail.
   */
  async complete(verification: EmailVerification): Promise<VerifiedAddress> {
    const { account, created } = await linkOrCreateAccount(this.deps.accounts, {
      email: verification.email,
      clientId: verification.clientId,
      tenantId: verification.tenantId,
      locale: verification.locale,
      at: this.deps.clock.nowSeconds(),
    });
    const { verified } = await this.deps.verifications.markVerified(verification, { userId: account.sub, created });
    if (created) await this.deps.mails.accountCreated(account);
    return verified!;
  }

  /** "Ta bort koppling": removes the account's links to the client that the caller can see. */
  async unlink(view: TenantView, userId: string, clientId: string): Promise<void> {
    const account = await view.user(userId);
    const removed = view.links(account).filter((app) => app.clientId === clientId);
    if (removed.length === 0) throw new NotFound(`${account.email} is not linked to ${clientId}`, 'not_linked');
    const isRemoved = (app: LinkedApplication) => removed.some((link) => link.clientId === app.clientId && link.tenantId === app.tenantId);
    await this.deps.accounts.update(account.sub, (current) => ({ ...current, applications: current.applications.filter((app) => !isRemoved(app)) }));
  }
}
