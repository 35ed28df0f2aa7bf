import { randomUUID } from 'node:crypto';
import { Conflict } from '../errors/index.js';
import type { Account } from './account.js';
import type { AccountRepository } from './account-repository.js';

export interface LinkRequest {
  email: string;
  clientId: string;
  tenantId: string | undefined;
  locale: string;
  /** When (emulator clock, epoch seconds): the link's `linkedAt`. */
  at: number;
}

/**
 * Connects an e-mail address to an application: the existing account with that address (any case)
 * is linked, or a new one is created (a random UUID `sub`, no password yet; the user sets one
 * through "Forgot your password?"). Concurrent calls for one new address create one account. An account
 * deleted while it is being linked is never answered: the address is linked (or made) anew.
 */
export function linkOrCreateAccount(accounts: AccountRepository, request: LinkRequest): Promise<{ account: Account; created: boolean }> {
  return untilLinked(
    async () => {
      const existing = await accounts.findByEmail(request.email);
      const { account: found, created } = existing ? { account: existing, created: false } : await accounts.create(newAccount(request));
      const linked = await accounts.update(found.sub, (account) => withApplication(account, request));
      return linked && { account: linked, created };
    },
    (rounds) => new Conflict(`${request.email} was deleted ${rounds} times while this request linked it; try again`, 'deleted_meanwhile'),
  );
}

/** How often an address deleted while it is linked is linked anew before the request gives up. */
const LINK_ROUNDS = 3;

/**
 * Runs one round of finding an address's account and linking it until a round answers (undefined: the
 * account was deleted meanwhile), at most LINK_ROUNDS times; then throws what `gaveUp` makes.
 */
export async function untilLinked<T>(round: () => Promise<T | undefined>, gaveUp: (rounds: number) => Error): Promise<T> {
  for (let done = 0; done < LINK_ROUNDS; done += 1) {
    const answer = await round();
    if (answer !== undefined) return answer;
  }
  throw gaveUp(LINK_ROUNDS);
}

function newAccount(request: LinkRequest): Account {
  return {
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
}

/** The account, verified, in the request's tenant and linked to its application (once). */
function withApplication(account: Account, request: LinkRequest): Account {
  const linked = account.applications.some((app) => app.clientId === request.clientId && app.tenantId === request.tenantId);
  return {
    ...account,
    emailVerified: true,
    tenants: request.tenantId && !account.tenants.includes(request.tenantId) ? [...account.tenants, request.tenantId] : account.tenants,
    applications: linked ? account.applications : [...account.applications, { clientId: request.clientId, tenantId: request.tenantId, linkedAt: request.at }],
  };
}
