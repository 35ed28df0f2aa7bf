import type { Router } from '@koa/router';
import type { Middleware } from 'koa';

/**
 * Routers that answer under `prefix` only, made by the first request there: their modules load then,
 * not on every start. In the chain they stand where they are mounted, as if they had been made at once.
 */
export function routesOnFirstUse(prefix: string, make: () => Promise<Router[]>): Middleware {
  let made: Promise<Middleware[]> | undefined;
  return async function routesUnderPrefix(ctx, next) {
    if (ctx.path !== prefix && !ctx.path.startsWith(`${prefix}/`)) {
      await next();
      return;
    }
    made ??= make().then((routers) => routers.map((router) => router.routes() as Middleware));
    const routes = await made;
    const run = async (index: number): Promise<void> => {
      if (index === routes.length) await next();
      else await routes[index]!(ctx, () => run(index + 1));
    };
    await run(0);
  };
}
