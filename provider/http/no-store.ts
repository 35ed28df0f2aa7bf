import type { Middleware } from 'koa';

/** Pages with a user's state on them are never cached. */
export function noStore(): Middleware {
  return async function noStoreHeader(ctx, next) {
    ctx.set('cache-control', 'no-store');
    await next();
  };
}
