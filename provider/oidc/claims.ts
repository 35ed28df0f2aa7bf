import type { Account as OidcAccount, FindAccount, KoaContextWithOIDC } from 'oidc-provider';
import { displayName, type Account } from '../accounts/index.js';
import type { RequestAccounts } from './request-accounts.js';

export const IDP = 'Visma Connect';

/**
 * Claims released per scope (`null`: available when asked for). `idp` and `llt` ride on `openid`, so every ID token has them. Visma
 * Connect's `profile` scope carries the e-mail too: Flex HRM asks only for `openid profile`.
 */
export const CLAIMS_BY_SCOPE = {
  sid: null,
  iss: null,
  // acr, amr and auth_time come from the session; oidc-provider releases them only when requested
  // (acr_values, claims), Visma Connect always.
  openid: ['sub', 'idp', 'llt', 'acr', 'amr', 'auth_time'],
  profile: ['name', 'given_name', 'family_name', 'locale', 'email', 'email_verified'],
  email: ['email', 'email_verified'],
  tenants: ['tenant_id', 'tenants'],
  roles: ['roles'],
};

const CORE_IDENTITY_CLAIMS = new Set(['name', 'given_name', 'family_name', 'locale', 'email', 'email_verified']);

/**
 * With the `tenants` scope, the user's tenants (`tenant_id` is the current tenant: Visma asks a user
 * with several which one; the emulator takes the first the fixtures list); with `roles`, the user's
 * application roles for this client in that tenant (the fixtures' and the Public API's `applicationRoles`).
 * Absent when the user has none.
 */
export function tenantAndRoleClaims(account: Account, clientId: string, scopes: ReadonlySet<string>): Record<string, unknown> {
  const tenantId = account.tenants[0];
  const roles = [...new Set((account.applicationRoles ?? []).filter((given) => given.clientId === clientId && (tenantId === undefined || given.tenantId === tenantId)).flatMap((given) => given.roles))];
  return {
    ...(scopes.has('tenants') && account.tenants.length > 0 && { tenant_id: account.tenants[0], tenants: account.tenants }),
    ...(scopes.has('roles') && roles.length > 0 && { roles }),
  };
}

function accountClaims(account: Account): Record<string, unknown> {
  return {
    sub: account.sub,
    idp: IDP,
    llt: account.lastLoginAt,
    email: account.email,
    email_verified: account.emailVerified,
    name: displayName(account),
    given_name: account.givenName,
    family_name: account.familyName,
    locale: account.locale,
  };
}

/** Core identity claims go into the ID token only for clients with `includeCoreIdentityClaims`; tenants and roles never do. Suspended accounts are not found. */
export function createFindAccount(accounts: RequestAccounts): FindAccount {
  return async (ctx: KoaContextWithOIDC, sub: string): Promise<OidcAccount | undefined> => {
    const account = await accounts.findBySub(ctx, sub);
    // A suspended account gets no tokens: codes, refresh tokens and userinfo fail as for a deleted one.
    if (!account || account.suspended) return undefined;
    return {
      accountId: account.sub,
      claims(use, scope) {
        const clientId = ctx.oidc.client?.clientId;
        const claims = {
          ...accountClaims(account),
          ...(use !== 'id_token' && clientId !== undefined && tenantAndRoleClaims(account, clientId, new Set(scope.split(' ')))),
        };
        if (use === 'id_token' && ctx.oidc.client?.['includeCoreIdentityClaims'] !== true) {
          for (const name of CORE_IDENTITY_CLAIMS) delete claims[name];
        }
        return claims as ReturnType<OidcAccount['claims']>;
      },
    };
  };
}
