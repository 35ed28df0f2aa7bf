import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import type { Faults } from './faults.js';

const DEFAULT_ERROR = 'temporarily_unavailable';

/**
 * Plays the faults `POST /_mock/faults` queued: a delay, then a failure. The authorization endpoint
 * reports an OAuth error to the client's registered redirect_uri, as a real provider in trouble does
 * (or shows the status as a page when only a status was asked for); the others answer JSON.
 */
export function faultInjection(faults: Faults, provider: Provider): Middleware {
  return async function injectFault(ctx, next) {
    if (ctx.path.startsWith('/_mock/')) {
      await next();
      return;
    }
    const fault = await faults.take(ctx.path);
    if (!fault) {
      await next();
      return;
    }
    if (fault.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault.status === undefined && fault.error === undefined) {
      await next();
      return;
    }

    const error = fault.error ?? DEFAULT_ERROR;
    const description = fault.errorDescription ?? 'injected by POST /_mock/faults';
    if (fault.endpoint === 'authorize' && fault.status === undefined) {
      const clientId = String(ctx.query['client_id'] ?? '');
      const redirectUri = String(ctx.query['redirect_uri'] ?? '');
      const client = clientId ? await provider.Client.find(clientId) : undefined;
      if (client?.redirectUriAllowed(redirectUri)) {
        const target = new URL(redirectUri);
        target.searchParams.set('error', error);
        target.searchParams.set('error_description', description);
        if (typeof ctx.query['state'] === 'string') target.searchParams.set('state', ctx.query['state']);
        target.searchParams.set('iss', provider.issuer);
        ctx.redirect(target.href);
        return;
      }
    }
    ctx.status = fault.status ?? 400;
    ctx.set('cache-control', 'no-store');
    ctx.body = { error, error_description: description };
  };
}
