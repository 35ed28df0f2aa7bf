import type { Middleware } from 'koa';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { readText } from '../http/index.js';
import { atRoute, OIDC_ROUTES } from './routes.js';

const FORM_POST_ROUTES = [OIDC_ROUTES.authorization, OIDC_ROUTES.end_session];

/**
 * OIDC Core 3.1.2.1 (and RP-Initiated Logout 2): the authorization and end-session endpoints take
 * POST with form-serialised parameters, as Visma Connect does (mod_auth_openidc's
 * `OIDCProviderAuthRequestMethod POST`, ASP.NET's `AuthenticationMethod = FormPost`). oidc-provider
 * serves POST there only with SameSite=None cookies (`enableHttpPostMethods`), which browsers refuse
 * over plain HTTP; so a POST is read as the GET it stands for. What a browser sends with a cross-site
 * POST is the same either way: its SameSite=Lax session cookie only when the app is same-site (any
 * port on localhost) or the navigation is a GET.
 */
export function formPostAsQuery(): Middleware {
  return async function authorizationByPost(ctx, next) {
    if (ctx.method === 'POST' && FORM_POST_ROUTES.some((route) => atRoute(ctx.path, route))) {
      const form = ctx.is('application/x-www-form-urlencoded') ? await readText(ctx) : '';
      ctx.method = 'GET';
      ctx.querystring = form;
    }
    await next();
  };
}

/** The JWT's own claims (RFC 7519 4.1): about the request object, not parameters of the request. */
const JWT_CLAIMS = new Set(['iss', 'aud', 'exp', 'nbf', 'iat', 'jti', 'sub']);

/**
 * Unsigned request objects (`alg: none`, OIDC Core 6.1): their claims are the request's parameters
 * and win over the same ones beside them. oidc-provider 9 takes signed request objects only, so an
 * unsigned one that is well formed, within its `exp` and `nbf` on the emulator clock (`nowSeconds`)
 * and without a `crit` header (RFC 7515 4.1.11: extensions it must understand) is unpacked here;
 * anything else is left to oidc-provider, which answers invalid_request_object through the client's
 * redirect URI.
 */
export function unsignedRequestObjects(nowSeconds: () => number): Middleware {
  return async function unpackUnsignedRequestObject(ctx, next) {
    const request = ctx.query['request'];
    if (ctx.method === 'GET' && atRoute(ctx.path, OIDC_ROUTES.authorization) && typeof request === 'string') {
      const claims = unsignedClaims(request);
      const query = new URLSearchParams(ctx.querystring);
      if (claims && current(claims, nowSeconds()) && consistent(claims, query)) {
        query.delete('request');
        for (const [name, value] of Object.entries(claims)) if (!JWT_CLAIMS.has(name)) query.set(name, typeof value === 'string' ? value : JSON.stringify(value));
        ctx.querystring = query.toString();
      }
    }
    await next();
  };
}

function unsignedClaims(request: string): Record<string, unknown> | undefined {
  try {
    const header = decodeProtectedHeader(request);
    if (header.alg !== 'none' || 'crit' in header || !request.endsWith('.')) return undefined;
    return decodeJwt(request);
  } catch {
    return undefined;
  }
}

/** Not expired and already valid, where it says (RFC 7519 4.1.4, 4.1.5); a time that is not a number is not a time. */
function current(claims: Record<string, unknown>, now: number): boolean {
  const { exp, nbf } = claims;
  if (exp !== undefined && !(typeof exp === 'number' && now < exp)) return false;
  if (nbf !== undefined && !(typeof nbf === 'number' && nbf <= now)) return false;
  return true;
}
/** No nested request, and client_id and response_type (which the OAuth request carries too) agree. */
function consistent(claims: Record<string, unknown>, query: URLSearchParams): boolean {
  if ('request' in claims || 'request_uri' in claims) return false;
  return ['client_id', 'response_type'].every((name) => claims[name] === undefined || !query.has(name) || claims[name] === query.get(name));
}
