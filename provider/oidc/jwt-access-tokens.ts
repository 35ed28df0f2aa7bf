import { randomBytes } from 'node:crypto';
import { decodeProtectedHeader, type JWTPayload } from 'jose';
import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import type { AdapterPayload } from 'oidc-provider';
import { readText, replayRequest } from '../http/index.js';
import type { IssuerKey } from './issuer-key.js';
import { atRoute, OIDC_ROUTES } from './routes.js';

const ACCESS_TOKEN_TYP = 'at+jwt';

/** The `aud` of access tokens from sign-in: IdentityServer's static audience, `<issuer>/resources`. */
const resourcesAudience = (issuer: string): string => `${issuer}/resources`;

/**
 * Access tokens from sign-in are JWTs at Visma Connect, and still work at userinfo, introspection and
 * revocation. oidc-provider's own JWT format (resource indicators with `accessTokenFormat: 'jwt'`) keeps
 * no state and is refused at userinfo (it carries an audience), so instead its opaque access token
 * stays as it is (state in the adapter under its id, the userinfo semantics unchanged) and what the
 * client receives is a JWT signed by the issuer whose `jti` is that id. Looking a token up goes the
 * other way: a JWT we signed stands for its `jti`. Revoking the token (or its grant) deletes that state,
 * so the JWT stops working at userinfo and introspects as inactive, as at Visma Connect.
 * Tokens bound to a resource (client_credentials for the provisioning API) keep oidc-provider's JWT.
 */
export function installJwtAccessTokens(provider: Provider, key: IssuerKey): void {
  const AccessToken = provider.AccessToken;
  const audience = resourcesAudience(provider.issuer);

  type ValueAndPayload = (this: unknown) => Promise<{ value: string; payload?: AdapterPayload }>;
  const valueAndPayload = (AccessToken.prototype as unknown as { getValueAndPayload: ValueAndPayload }).getValueAndPayload;
  Object.defineProperty(AccessToken.prototype, 'getValueAndPayload', {
    async value(this: InstanceType<typeof AccessToken> & { format?: string }) {
      const result = await valueAndPayload.call(this);
      if (this.format !== 'opaque' || !result.payload) return result;
      return { value: await key.sign(jwtClaims(result.payload, audience), ACCESS_TOKEN_TYP), payload: result.payload };
    },
  });

  const findById = AccessToken.find;
  Object.defineProperty(AccessToken, 'find', {
    async value(this: typeof AccessToken, value: unknown, options?: object) {
      if (typeof value !== 'string') return undefined;
      // Only the JWT stands for the token, never its `jti` alone: that is in clear in every decoded token.
      const id = byIdAtIntrospection(value) ?? (await key.read(value, ACCESS_TOKEN_TYP))?.jti;
      return typeof id === 'string' ? findById.call(this, id, options as never) : undefined;
    },
  });
}

/**
 * How introspection and revocation hand a verified JWT's id on to AccessToken.find: behind a prefix no
 * client can know (new with each start), since oidc-provider reads the form anew after us.
 */
const BY_ID = `by-id~${randomBytes(16).toString('base64url')}~`;

const byIdAtIntrospection = (value: string): string | undefined => (value.startsWith(BY_ID) ? value.slice(BY_ID.length) : undefined);

/** Stands for a token that is no token of ours: no stored token has this id (theirs have 43 characters), so it is inactive. */
const UNKNOWN_TOKEN = 'unknown';

/**
 * oidc-provider's introspection and revocation refuse any JWT before looking it up ("structured
 * tokens"), so there a `token` that is a JWT is replaced before oidc-provider reads the body: one of
 * our sign-in access tokens by its id, any other JWT (an ID token, another issuer's, one whose
 * signature does not verify) by an id no token has, which introspects as inactive and whose
 * revocation is a no-op (RFC 7662 2.2, RFC 7009 2.2). The client_credentials JWTs for the provisioning
 * API are left to oidc-provider, which refuses them there.
 */
export function accessTokensByIdAtIntrospection(key: IssuerKey): Middleware {
  const audience = resourcesAudience(key.issuer);
  return async function accessTokenById(ctx, next) {
    const introspection = atRoute(ctx.path, OIDC_ROUTES.introspection);
    if (ctx.method !== 'POST' || !(introspection || atRoute(ctx.path, OIDC_ROUTES.revocation)) || !ctx.is('application/x-www-form-urlencoded')) {
      await next();
      return;
    }
    const form = new URLSearchParams(await readText(ctx));
    const tokens = form.getAll('token');
    const claims = tokens.length === 1 && isJwt(tokens[0]!) ? ((await key.read(tokens[0]!, ACCESS_TOKEN_TYP)) ?? null) : undefined;
    const ours = claims?.aud === audience;
    // A JWT that is not one of ours (null: not verified) stands for no token; a service token is left as it is.
    if (claims === null || ours) form.set('token', ours && typeof claims.jti === 'string' ? `${BY_ID}${claims.jti}` : UNKNOWN_TOKEN);
    replayRequest(ctx, { body: form.toString() });
    await next();
    // An active token's answer has the JWT's claims oidc-provider does not keep (IdentityServer answers them too).
    const answer = ctx.body as { active?: unknown } | undefined;
    if (ours && introspection && answer?.active === true) ctx.body = { ...answer, aud: claims.aud, nbf: claims.nbf, jti: claims.jti };
  };
}

/** What oidc-provider takes for a JWT (and refuses at introspection): a value with a JOSE header. */
function isJwt(token: string): boolean {
  try {
    return decodeProtectedHeader(token) !== undefined;
  } catch {
    return false;
  }
}

/**
 * Visma Connect's access token claims: `scope` is a list (IdentityServer's default; Visma's own
 * example shows one), `nbf` is the issue time, `jti` always (Visma includes it when the app enables
 * it; here it names the token's state), and the sign-in's `auth_time`, `idp`, `acr`, `amr` and
 * the tenant and role claims come from `extraTokenClaims` (see access-token-claims.ts).
 */
function jwtClaims(payload: AdapterPayload, audience: string): JWTPayload {
  const { iat, exp, jti, clientId, accountId, scope, extra, jkt } = payload;
  return {
    nbf: iat,
    iat,
    exp,
    aud: audience,
    scope: typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [],
    client_id: clientId,
    sub: accountId,
    ...extra,
    // A DPoP-bound token names its key (RFC 9449), so a resource server can check the proof.
    ...(typeof jkt === 'string' && { cnf: { jkt } }),
    jti,
  };
}
