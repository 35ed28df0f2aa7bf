import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { sendPage } from '../http/index.js';
import { negotiateLanguage } from '../i18n/index.js';
import { atRoute, OIDC_ROUTES } from './routes.js';

const CONFIRM_PATH = `${OIDC_ROUTES.end_session}/confirm`;

interface SignedOutClient {
  clientId: string;
  sid: string | undefined;
}

/**
 * OpenID Connect Front-Channel Logout 1.0, which Visma Connect offers and oidc-provider 9 does not:
 * when a sign-out completes, the page that would redirect to the post-logout URI first loads, in
 * hidden iframes, the `frontchannelLogoutUri` of every app signed out (with `iss` and `sid`, as
 * `frontchannel_logout_session_supported` says), then goes on. Without such apps the sign-out
 * redirects at once, as before.
 *
 * The session is read before oidc-provider's confirm step destroys it: which apps it holds, their
 * sid, and which app asked (signing out of that app only signs out just that one).
 */
export function frontchannelLogout(provider: Provider): Middleware {
  return async function frontchannelLogoutPage(ctx, next) {
    if (ctx.method !== 'POST' || !atRoute(ctx.path, CONFIRM_PATH)) {
      await next();
      return;
    }
    const session = await provider.Session.get(ctx);
    const sids = Object.fromEntries(Object.entries(session.authorizations ?? {}).map(([clientId, { sid }]) => [clientId, sid]));
    const requestedBy = (session.state as { clientId?: string } | undefined)?.clientId;

    await next();

    const oidc = (ctx as unknown as KoaContextWithOIDC).oidc;
    const continueTo = ctx.response.get('location');
    if (ctx.status !== 303 || !continueTo || !session.accountId) return;
    const signedOut: SignedOutClient[] = oidc?.params?.['logout'] ? Object.entries(sids).map(([clientId, sid]) => ({ clientId, sid })) : requestedBy ? [{ clientId: requestedBy, sid: sids[requestedBy] }] : [];
    const frames = await frameUrls(provider, signedOut);
    if (frames.length === 0) return;

    ctx.remove('location');
    sendPage(ctx, 'frontchannel-logout', { language: negotiateLanguage(ctx), frames, continueTo });
  };
}

async function frameUrls(provider: Provider, clients: SignedOutClient[]): Promise<string[]> {
  const urls: string[] = [];
  for (const { clientId, sid } of clients) {
    const client = await provider.Client.find(clientId).catch(() => undefined);
    const uri = client?.['frontchannelLogoutUri'];
    if (typeof uri !== 'string') continue;
    const url = new URL(uri);
    url.searchParams.set('iss', provider.issuer);
    if (sid) url.searchParams.set('sid', sid);
    urls.push(url.href);
  }
  return urls;
}
