import type { Account as OidcAccount, FindAccount, KoaContextWithOIDC } from 'oidc-provider';
import { displayName, type Account, type AccountRepository } from '../accounts/index.js';

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
};

const CORE_IDENTITY_CLAIMS = new Set(['name', 'given_name', 'family_name', 'locale', 'email', 'email_verified']);

export function accountClaims(account: Account): Record<string, unknown> {
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

/** Core identity claims go into the ID token only for clients with `includeCoreIdentityClaims`. Suspended accounts are not found. */
export function createFindAccount(accounts: AccountRepository): FindAccount {
  return async (ctx: KoaContextWithOIDC, sub: string): Promise<OidcAccount | undefined> => {
    const account = await accounts.findBySub(sub);
    // A suspended account gets no tokens: codes, refresh tokens and userinfo fail as for a deleted one.
    if (!account || account.suspended) return undefined;
    return {
      accountId: account.sub,
      claims(use) {
        const claims = accountClaims(account);
        if (use === 'id_token' && ctx.oidc.client?.['includeCoreIdentityClaims'] !== true) {
          for (const name of CORE_IDENTITY_CLAIMS) delete claims[name];
        }
        return claims as ReturnType<OidcAccount['claims']>;
      },
    };
  };
}
