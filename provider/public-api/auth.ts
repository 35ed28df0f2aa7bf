import { jwtVerify, type JWTPayload } from 'jose';
import type { Context, Middleware } from 'koa';
import type { JWK } from 'oidc-provider';
import { PUBLIC_API_AUDIENCE, publishedKeySet, type ServiceTokenTimes } from '../oidc/index.js';
import { PublicApiError } from './errors.js';

/** Who calls: the client of the token, the tenant it is bound to (`tenant_id`), and what it may do. */
export interface Caller {
  clientId: string;
  tenantId: string | undefined;
  scopes: ReadonlySet<string>;
}

const REALM = 'Bearer realm="Visma Connect Public API"';

export const callerOf = (ctx: Context): Caller => ctx.state['caller'] as Caller;

/**
 * Takes the JWT access tokens our token endpoint issues for the Public API: client_credentials with
 * `publicapi:*` scopes, signed with the issuer's key, for its audience, unexpired on the emulator clock.
 */
export function requireToken(issuer: string, signingKeys: JWK[], tokenTimes: ServiceTokenTimes): Middleware {
  const publicKeys = publishedKeySet(signingKeys);
  return async function requirePublicApiToken(ctx, next) {
    const [scheme, token] = ctx.get('authorization').split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      ctx.set('www-authenticate', REALM);
      throw new PublicApiError('ERROR_INVALID_TOKEN', 'send a bearer access token from client_credentials with the publicapi:* scopes the operation needs');
    }
    const currentDate = await tokenTimes.checkingDate(token);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, publicKeys, { issuer, audience: PUBLIC_API_AUDIENCE, algorithms: ['RS256'], currentDate }));
    } catch (error) {
      ctx.set('www-authenticate', `${REALM}, error="invalid_token"`);
      throw new PublicApiError('ERROR_INVALID_TOKEN', `the access token is not valid for the Public API: ${(error as Error).message}`);
    }
    ctx.state['caller'] = {
      clientId: String(payload['client_id']),
      tenantId: typeof payload['tenant_id'] === 'string' ? payload['tenant_id'] : undefined,
      scopes: new Set(typeof payload['scope'] === 'string' ? payload['scope'].split(' ') : []),
    } satisfies Caller;
    await next();
  };
}

/** Each operation names the one `publicapi:*` scope it needs. */
export function requireScope(scope: string): Middleware {
  return async function requirePublicApiScope(ctx, next) {
    if (!callerOf(ctx).scopes.has(scope)) {
      ctx.set('www-authenticate', `${REALM}, error="insufficient_scope", scope="${scope}"`);
      throw new PublicApiError('ERROR_INSUFFICIENT_SCOPE', `the access token lacks the scope ${scope}`);
    }
    await next();
  };
}
