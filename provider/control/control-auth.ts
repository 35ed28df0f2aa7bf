import type { Middleware } from 'koa';
import { NotAllowed, Unauthenticated, UnsupportedMediaType } from '../errors/index.js';
import { isLoopbackHostname, isSafeMethod, sameSecret, sentFromAnotherSite } from '../http/index.js';

export interface ControlAccess {
  token: string | undefined;
  /** The server listens beyond loopback without a token: the control plane is off. */
  exposedWithoutToken: boolean;
  issuer: string;
}

/** The guards of every control-plane route, the mailbox page's included, in the order they run. */
export function controlGuards(access: ControlAccess): Middleware[] {
  return [...whoMayControl(access), noCrossSiteWrites(access.issuer)];
}

/** Who may reach the control plane at all: on loopback, addressed to this machine, or with the token. */
export function whoMayControl({ token, exposedWithoutToken, issuer }: ControlAccess): Middleware[] {
  return [offBeyondLoopback(exposedWithoutToken), token === undefined ? localHostOnly(issuer) : requireControlToken(token)];
}

function offBeyondLoopback(exposedWithoutToken: boolean): Middleware {
  return async function controlPlaneOff(_ctx, next) {
    if (exposedWithoutToken) throw new NotAllowed('the server listens beyond loopback, so the control plane needs CONTROL_TOKEN to be set', 'control_plane_disabled');
    await next();
  };
}

/**
 * Without a token, only requests addressed to this machine (or the issuer's host) are answered: a
 * web page that rebinds its own name to 127.0.0.1 still sends that name as the Host.
 */
function localHostOnly(issuer: string): Middleware {
  const issuerHost = new URL(issuer).hostname.toLowerCase();
  const allowed = (hostname: string) => isLoopbackHostname(hostname) || hostname === issuerHost;
  return async function requireLocalHost(ctx, next) {
    const hostname = ctx.hostname.toLowerCase();
    if (!allowed(hostname)) {
      throw new NotAllowed(`without CONTROL_TOKEN the control plane answers requests addressed to localhost, 127.x.x.x, [::1] or the issuer's host ${issuerHost} only, not ${hostname}`, 'host_not_allowed');
    }
    await next();
  };
}

/** `Authorization: Bearer <token>` (or, for the mailbox page in a browser, `?token=`). */
function requireControlToken(token: string): Middleware {
  const expected = `Bearer ${token}`;
  return async function requireToken(ctx, next) {
    const query = typeof ctx.query['token'] === 'string' ? `Bearer ${ctx.query['token']}` : '';
    if (!sameSecret(ctx.get('authorization') || query, expected)) {
      ctx.set('www-authenticate', 'Bearer realm="mock-visma-connect control plane"');
      throw new Unauthenticated('the control plane needs Authorization: Bearer <CONTROL_TOKEN>', 'unauthorized');
    }
    await next();
  };
}

/** What a page on any site may post without asking first (no CORS preflight). */
const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

/**
 * A web page open in the developer's browser must not reset or change the emulator: a write sent
 * from another site, or in a content type any page can post, is refused. curl, scripts, the testing
 * library and the scenario runner send neither Origin nor a form type.
 */
function noCrossSiteWrites(issuer: string): Middleware {
  const issuerOrigin = new URL(issuer).origin;
  return async function refuseCrossSiteWrites(ctx, next) {
    if (!isSafeMethod(ctx.method)) {
      if (sentFromAnotherSite(ctx, [issuerOrigin])) {
        throw new NotAllowed('the control plane refuses writes sent by a web page on another site; call it from curl, a script or the testing library', 'cross_site_request');
      }
      if (FORM_TYPES.has(ctx.request.type.trim().toLowerCase())) {
        throw new UnsupportedMediaType(`send control-plane requests as application/json, not ${ctx.request.type} (which any web page can post)`);
      }
    }
    await next();
  };
}
