import { jwtVerify, type JWTPayload } from 'jose';
import type { Middleware } from 'koa';
import type { JWK } from 'oidc-provider';
import { NotAllowed, Unauthenticated } from '../errors/index.js';
import { API_SCOPE, publishedKeySet, type ServiceTokenTimes } from '../oidc/index.js';

export interface ApiCaller {
  clientId: string;
  tenantId: string | undefined;
}

/**
 * The provisioning API takes the JWT access tokens client_credentials issues for it: signed with the
 * issuer's key, for the API's audience, unexpired on the emulator clock, with scope connect:users.
 */
export function bearerAuth(issuer: string, audience: string, signingKeys: JWK[], tokenTimes: ServiceTokenTimes): Middleware {
  const publicKeys = publishedKeySet(signingKeys);
  return async function requireApiToken(ctx, next) {
    const [scheme, token] = ctx.get('authorization').split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      ctx.set('www-authenticate', 'Bearer realm="Visma Connect API"');
      throw new Unauthenticated('send a bearer access token from client_credentials with scope connect:users', 'invalid_token');
    }
    const currentDate = await tokenTimes.checkingDate(token);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, publicKeys, { issuer, audience, algorithms: ['RS256'], currentDate }));
    } catch (error) {
      ctx.set('www-authenticate', 'Bearer realm="Visma Connect API", error="invalid_token"');
      throw new Unauthenticated(`the access token is not valid: ${(error as Error).message}`, 'invalid_token');
    }
    const scopes = typeof payload['scope'] === 'string' ? payload['scope'].split(' ') : [];
    if (!scopes.includes(API_SCOPE)) {
      ctx.set('www-authenticate', `Bearer realm="Visma Connect API", error="insufficient_scope", scope="${API_SCOPE}"`);
      throw new NotAllowed(`the access token lacks the scope ${API_SCOPE}`, 'insufficient_scope');
    }
    ctx.state['caller'] = { clientId: String(payload['client_id']), tenantId: typeof payload['tenant_id'] === 'string' ? payload['tenant_id'] : undefined } satisfies ApiCaller;
    await next();
  };
}
