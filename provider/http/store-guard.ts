import type { Middleware } from 'koa';
import type { Store } from '../store/index.js';
import type { SharedClock } from '../time/index.js';
import { negotiateLanguage } from '../i18n/index.js';
import { sendPage } from './views.js';

/**
 * What every request meets after the Host check: `/healthz`, then a clear 503 (JSON for machines, a page for
 * people) while the store is unreachable, then the shared clock brought up to date.
 */
export function storeGuard(store: Store, clock: SharedClock, describe: string): Middleware {
  return async function requireStore(ctx, next) {
    const available = store.isAvailable();
    if (ctx.path === '/healthz') {
      ctx.set('cache-control', 'no-store');
      ctx.status = available ? 200 : 503;
      ctx.body = available ? { status: 'ok' } : { status: 'unavailable', error: 'store_unavailable', error_description: `${describe} does not answer` };
      return;
    }
    if (!available) {
      ctx.set('retry-after', '2');
      // Browsers ask for text/html; API clients, curl and fetch do not.
      if (!ctx.get('accept').includes('text/html')) {
        ctx.status = 503;
        ctx.body = { error: 'temporarily_unavailable', error_description: `${describe} does not answer; try again shortly` };
      } else {
        sendPage(ctx, 'error', { title: 'Error', language: negotiateLanguage(ctx), error: 'temporarily_unavailable', description: `${describe} does not answer; try again shortly.` }, 503);
      }
      return;
    }
    await clock.sync();
    await next();
  };
}
