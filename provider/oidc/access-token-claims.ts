import type { AccessToken, ClientCredentials, KoaContextWithOIDC } from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { Directory } from '../directory/index.js';
import { IDP, tenantAndRoleClaims } from './claims.js';
import { assertKnownScopes } from './identity-server-errors.js';
import type { RequestAccounts } from './request-accounts.js';

export interface AccessTokenClaimsOptions {
  accounts: RequestAccounts;
  directory: Pick<Directory, 'serviceTenantAccess'>;
  /** Every scope the server knows: client_credentials refuses others (oidc-provider would drop them). */
  knownScopes: ReadonlySet<string>;
}

type Authentication = { authTime?: number; acr?: string; amr?: string[] };

/**
 * What access tokens carry beyond oidc-provider's claims (oidc-provider keeps it with the token, so
 * introspection answers it too):
 * - from sign-in: `auth_time`, `idp`, `acr` and `amr` of the sign-in, and with the `tenants` and
 *   `roles` scopes the user's tenants and application roles;
 * - from client_credentials: `tenant_id` when the request names a known tenant. As this runs before
 *   the token is issued, it is also where an unknown scope is refused, and a tenant the client's
 *   fixture `tenants` list does not name.
 */
export function createExtraTokenClaims({ accounts, directory, knownScopes }: AccessTokenClaimsOptions) {
  return async function extraTokenClaims(ctx: KoaContextWithOIDC, token: AccessToken | ClientCredentials): Promise<Record<string, unknown> | undefined> {
    if (token.kind === 'ClientCredentials') {
      assertKnownScopes(ctx.oidc.params?.['scope'] as string | undefined, knownScopes);
      return serviceTenant(ctx, directory);
    }
    if (token.kind !== 'AccessToken' || !('accountId' in token) || token.accountId === undefined) return undefined;

    const { authTime, acr, amr } = authenticationOf(ctx);
    const account = await accounts.findBySub(ctx, token.accountId);
    const scopes = new Set((token.scope ?? '').split(' '));
    return {
      ...(authTime !== undefined && { auth_time: authTime }),
      idp: IDP,
      ...(acr !== undefined && { acr }),
      ...(amr !== undefined && { amr }),
      ...(account && token.clientId !== undefined && tenantAndRoleClaims(account, token.clientId, scopes)),
    };
  };
}

/** The sign-in behind the token: the code or refresh token redeemed, or the session (hybrid and implicit responses). */
function authenticationOf(ctx: KoaContextWithOIDC): Authentication {
  const entities = ctx.oidc.entities as { AuthorizationCode?: Authentication; RefreshToken?: Authentication };
  const redeemed = entities.AuthorizationCode ?? entities.RefreshToken;
  if (redeemed) return { authTime: redeemed.authTime, acr: redeemed.acr, amr: redeemed.amr };
  const session = ctx.oidc.session;
  return session ? { authTime: session.authTime(), acr: session.acr, amr: session.amr } : {};
}

async function serviceTenant(ctx: KoaContextWithOIDC, directory: Pick<Directory, 'serviceTenantAccess'>) {
  const tenantId = ctx.oidc.body?.['tenant_id'];
  if (tenantId === undefined) return undefined;
  const clientId = ctx.oidc.client!.clientId;
  if (typeof tenantId !== 'string') throw new errors.InvalidRequest('tenant_id does not name a known tenant');
  const access = await directory.serviceTenantAccess(clientId, tenantId);
  if (access === 'unknown-tenant') throw new errors.InvalidRequest('tenant_id does not name a known tenant');
  if (access === 'not-listed') throw new errors.InvalidRequest(`the client ${clientId} may not act for tenant ${tenantId}: its fixture lists the tenants it may`);
  return { tenant_id: tenantId };
}
