import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { renderTemplate } from '../http/index.js';
import { realTime } from '../time/index.js';
import { spaceSeparated } from './space-separated.js';

/** The check_session_iframe, at Visma Connect's path. */
export const CHECK_SESSION_PATH = '/connect/checksession';
/** The OP browser state, readable by the iframe's script, views/assets/check-session.js (IdentityServer's cookie name). */
const BROWSER_STATE_COOKIE = 'idsrv.session';

type Session = NonNullable<KoaContextWithOIDC['oidc']['session']>;

/**
 * OpenID Connect Session Management 1.0, as Visma Connect (IdentityServer) offers it and oidc-provider
 * no longer does:
 * - every successful authentication response carries `session_state`: a salted hash of the client id,
 *   the origin of its redirect URI and the OP browser state, plus the salt;
 * - the OP browser state is a cookie the check_session_iframe's script reads: a keyed hash of the
 *   session (so replicas agree), set with each authentication response and removed at sign-out;
 * - the iframe answers `client_id session_state` messages with `unchanged`, `changed` or `error`.
 *
 * A script in the iframe can read the cookie only where the browser lets a framed page see its
 * cookies: the app and the emulator same-site (localhost on any port), or over HTTPS (the cookie is then
 * SameSite=None; Secure). The hash uses Web Crypto, which browsers offer in secure contexts (https, localhost).
 */
export class SessionManagement {
  readonly #stateKey: Buffer;

  constructor(
    secret: string,
    private readonly sessionSeconds: number,
  ) {
    this.#stateKey = createHash('sha256').update(`op-browser-state:${secret}`).digest();
  }

  install(provider: Provider): void {
    provider.on('authorization.success', (ctx: KoaContextWithOIDC, out?: Record<string, unknown>) => {
      const { session, params, client } = ctx.oidc;
      if (!out || !session?.accountId || !client || !spaceSeparated(params?.['scope']).includes('openid')) return;
      const browserState = this.#browserState(session);
      // The listener runs before the response mode renders `out`, so what it adds is sent.
      out['session_state'] = sessionState(client.clientId, String(params!['redirect_uri']), browserState);
      // oidc-provider's frame: real time (the browser's), loginTs as the oidc adapter hands it back.
      const remaining = Math.max(0, (session.loginTs ?? 0) + this.sessionSeconds - realTime.nowSeconds());
      setBrowserState(ctx, browserState, remaining * 1000);
    });
  }

  /** Clears the browser state once a sign-out has destroyed the session (the post half of a middleware). */
  clearOnSignOut(): Middleware {
    return async function clearBrowserStateOnSignOut(ctx, next) {
      await next();
      const oidc = (ctx as unknown as KoaContextWithOIDC).oidc;
      if (oidc?.route === 'end_session_confirm' && (oidc.session as { destroyed?: boolean } | undefined)?.destroyed) {
        setBrowserState(ctx, '', 0);
      }
    };
  }

  /** GET /connect/checksession: a page made to be framed by apps (it must stay frameable). */
  checkSessionIframe(): Middleware {
    return async function checkSessionIframe(ctx, next) {
      if (ctx.path !== CHECK_SESSION_PATH || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) {
        await next();
        return;
      }
      ctx.set('cache-control', 'no-store');
      ctx.type = 'html';
      ctx.body = renderTemplate('check-session', {});
    };
  }

  #browserState(session: Session): string {
    return createHmac('sha256', this.#stateKey).update(`${session.uid}|${session.accountId}`).digest('base64url');
  }
}

function sessionState(clientId: string, redirectUri: string, browserState: string): string {
  const salt = randomBytes(16).toString('base64url');
  const hash = createHash('sha256')
    .update(`${clientId} ${new URL(redirectUri).origin} ${browserState} ${salt}`)
    .digest('base64url');
  return `${hash}.${salt}`;
}

function setBrowserState(ctx: Context, value: string, maxAge: number): void {
  ctx.cookies.set(BROWSER_STATE_COOKIE, value || null, {
    httpOnly: false,
    signed: false,
    path: '/',
    overwrite: true,
    sameSite: ctx.secure ? 'none' : 'lax',
    secure: ctx.secure,
    ...(value && { maxAge }),
  });
}
