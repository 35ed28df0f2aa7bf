import { randomUUID } from 'node:crypto';
import type { Account } from './account.js';
import type { AccountRepository } from './account-repository.js';

export interface LinkRequest {
  email: string;
  clientId: string;
  tenantId: string | undefined;
  locale: string;
}

/**
 * Connects an e-mail address to an application: the existing account with that address (any case)
 * is linked, or a new one is created (a random UUID `sub`, no password yet; the user sets one
 * through "Forgot your password?").
 */
export async function linkOrCreateAccount(accounts: AccountRepository, request: LinkRequest): Promise<{ account: Account; created: boolean }> {
  const existing = await accounts.findByEmail(request.email);
  const base: Account = existing ?? {
    sub: randomUUID(),
    email: request.email,
    emailVerified: true,
    passwordHash: undefined,
    givenName: '',
    familyName: '',
    locale: request.locale,
    tenants: [],
    totpSecret: undefined,
    emergencyCodeHash: undefined,
    lastLoginAt: undefined,
    passwordHistory: [],
    applications: [],
  };
  const linked = base.applications.some((app) => app.clientId === request.clientId && app.tenantId === request.tenantId);
  const account: Account = {
    ...base,
    emailVerified: true,
    tenants: request.tenantId && !base.tenants.includes(request.tenantId) ? [...base.tenants, request.tenantId] : base.tenants,
    applications: linked ? base.applications : [...base.applications, { clientId: request.clientId, tenantId: request.tenantId, linkedAt: Math.floor(Date.now() / 1000) }],
  };
  await accounts.save(account);
  return { account, created: existing === undefined };
}
