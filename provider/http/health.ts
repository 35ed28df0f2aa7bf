import type { Middleware } from 'koa';

export function healthCheck(): Middleware {
  return async function healthz(ctx, next) {
    if (ctx.path !== '/healthz') return next();
    ctx.set('cache-control', 'no-store');
    ctx.body = { status: 'ok' };
  };
}
