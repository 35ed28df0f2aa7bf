import type { Middleware } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { CLAIMS_BY_SCOPE } from './claims.js';
import { CHECK_SESSION_PATH } from './session-management.js';

/** Client authentication as Visma Connect lists it for every endpoint; public clients (`none`) work too, unlisted, as there. */
const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post'];

/** IdentityServer lists the user claims of its identity scopes, not the protocol claims (sub, sid, acr, …). */
const USER_CLAIMS = [...new Set(Object.entries(CLAIMS_BY_SCOPE).flatMap(([scope, claims]) => (scope === 'openid' || !claims ? [] : claims)))];

/**
 * Discovery as Visma Connect publishes it, over what oidc-provider builds (its documented way: a
 * middleware that changes the body after the discovery route): the check_session_iframe and
 * front-channel logout, prompt values, auth methods per endpoint, and claims_supported; without what
 * only oidc-provider lists (`claim_types_supported`, `none` among the auth methods). What is still
 * different from Visma's document, and why, is in the README ("Discovery") and test/interop/discovery.test.ts.
 */
export function vismaDiscovery(promptValues: readonly string[]): Middleware {
  return async function vismaDiscoveryDocument(ctx, next) {
    await next();
    if ((ctx as unknown as KoaContextWithOIDC).oidc?.route !== 'discovery' || ctx.status !== 200) return;
    const document = ctx.body as Record<string, unknown>;
    delete document['claim_types_supported'];
    ctx.body = {
      ...document,
      check_session_iframe: new URL(CHECK_SESSION_PATH, String(document['authorization_endpoint'])).href,
      frontchannel_logout_supported: true,
      frontchannel_logout_session_supported: true,
      claims_supported: USER_CLAIMS,
      prompt_values_supported: promptValues,
      token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    };
  };
}
