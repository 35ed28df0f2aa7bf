import type { Context, Middleware } from 'koa';
import { compressedWith } from '../http/index.js';
import { atRoute, OIDC_ROUTES } from './routes.js';

/** Endpoints that take a POSTed form and nothing else; CORS preflights (OPTIONS) pass to oidc-provider. */
const POSTED_FORM_ROUTES = [OIDC_ROUTES.token, OIDC_ROUTES.introspection, OIDC_ROUTES.revocation];

/**
 * The token, introspection and revocation endpoints answer a request they cannot read as IdentityServer
 * does, in JSON, rather than with Koa's `404 Not Found` text: another method at the token endpoint is
 * `400 invalid_request` (IdentityServer's TokenEndpoint), at introspection and revocation `405` with
 * `Allow: POST`; and a compressed body (Content-Encoding other than identity) is `415` before anything
 * reads it, which would otherwise take the gzip bytes for a form.
 */
export function postedFormsOnly(): Middleware {
  return async function postedFormOnly(ctx, next) {
    const route = ctx.method === 'OPTIONS' ? undefined : POSTED_FORM_ROUTES.find((candidate) => atRoute(ctx.path, candidate));
    const problem = route === undefined ? undefined : problemOf(ctx, route);
    if (problem === undefined) return void (await next());
    if (problem.status === 405) ctx.set('Allow', 'POST');
    ctx.status = problem.status;
    ctx.body = { error: 'invalid_request', error_description: problem.description };
  };
}

function problemOf(ctx: Context, route: string): { status: number; description: string } | undefined {
  if (ctx.method !== 'POST') {
    if (route === OIDC_ROUTES.token) return { status: 400, description: `the token endpoint takes POST with a form body, not ${ctx.method}` };
    return { status: 405, description: `${route} takes POST with a form body, not ${ctx.method}` };
  }
  const coding = compressedWith(ctx);
  if (coding !== undefined) return { status: 415, description: `send the form uncompressed: Content-Encoding ${coding} is not accepted` };
  return undefined;
}
