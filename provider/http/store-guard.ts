import type { Context, Middleware } from 'koa';
import { StoreOutageError, type Store } from '../store/index.js';
import { negotiatedShape } from './error-edge.js';

/**
 * What every request meets after the Host check: `/healthz` (which asks the store), then a clear 503 (JSON for
 * machines, a page for people) while the store is unreachable or stalled, or when it stops answering
 * during the request; then `beforeRequest` (the shared clock brought up to date).
 */
export function storeGuard(store: Store, beforeRequest: () => Promise<void>, describe: string): Middleware {
  return async function requireStore(ctx, next) {
    if (ctx.path === '/healthz') {
      const available = await store.ping();
      ctx.set('cache-control', 'no-store');
      ctx.status = available ? 200 : 503;
      ctx.body = available ? { status: 'ok' } : { status: 'unavailable', error: 'store_unavailable', error_description: `${describe} does not answer` };
      return;
    }
    if (!store.isAvailable()) return unavailable(ctx, `${describe} does not answer; try again shortly`);
    try {
      await beforeRequest();
      await next();
    } catch (error) {
      if (!(error instanceof StoreOutageError)) throw error;
      unavailable(ctx, error.error_description);
    }
  };
}

function unavailable(ctx: Context, description: string): void {
  ctx.set('retry-after', '2');
  negotiatedShape(ctx, { status: 503, code: 'temporarily_unavailable', description, error: undefined });
}
