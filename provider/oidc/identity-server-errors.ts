import { decodeJwt } from 'jose';
import type { Middleware } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { errors } from 'oidc-provider';

/**
 * Errors as IdentityServer (Visma Connect) answers them where oidc-provider differs:
 * - a scope the server does not know is `invalid_scope`; oidc-provider ignores it (and refuses only a
 *   known scope the client may not use, which stays as it is);
 * - the token endpoint answers every error with 400, `invalid_client` included, as IdentityServer does
 *   even where RFC 6749 5.2 asks for 401 (a client that sent Basic credentials); oidc-provider answers
 *   401 with `WWW-Authenticate`.
 */
export function assertKnownScopes(requested: string | undefined, known: ReadonlySet<string>): void {
  const unknown = (requested ?? '').split(' ').filter((scope) => scope !== '' && !known.has(scope));
  if (unknown.length > 0) throw new errors.InvalidScope(`unknown scope: ${unknown.join(' ')}`, unknown.join(' '));
}

/**
 * The authorization request's hook (an extra parameter validator, which oidc-provider runs for every
 * request). By then oidc-provider has dropped the scopes it does not know from the parameters, so the
 * scope is read as sent: from the (already verified) request object, or the query.
 */
export const UNKNOWN_SCOPE_HOOK = 'x_mvc_known_scopes';

export function refuseUnknownScopes(known: ReadonlySet<string>) {
  return async (ctx: KoaContextWithOIDC): Promise<void> => {
    const request = ctx.query['request'];
    const scope = typeof request === 'string' ? decodeJwt(request)['scope'] : ctx.query['scope'];
    assertKnownScopes(typeof scope === 'string' ? scope : undefined, known);
  };
}

export function tokenErrorsAsBadRequest(): Middleware {
  return async function identityServerTokenErrors(ctx, next) {
    await next();
    if ((ctx as unknown as KoaContextWithOIDC).oidc?.route === 'token' && ctx.status === 401) {
      ctx.status = 400;
      ctx.remove('WWW-Authenticate');
    }
  };
}
