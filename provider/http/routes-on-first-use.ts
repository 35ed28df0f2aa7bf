import type { Router } from '@koa/router';
import type { Middleware } from 'koa';

/**
 * `make`, called on the first call and its result kept for the later ones; a call that failed (a module
 * that could not be read) is made again by the next one.
 */
export function madeOnFirstUse<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () =>
    (made ??= make().catch((error: unknown) => {
      made = undefined;
      throw error;
    }));
}

/**
 * Routers that answer under `prefix` only, made by the first request there: their modules load then,
 * not on every start. In the chain they stand where they are mounted, as if they had been made at once.
 */
export function routesOnFirstUse(prefix: string, make: () => Promise<Router[]>): Middleware {
  const madeRoutes = madeOnFirstUse(async () => (await make()).map((router) => router.routes() as Middleware));
  return async function routesUnderPrefix(ctx, next) {
    if (ctx.path !== prefix && !ctx.path.startsWith(`${prefix}/`)) {
      await next();
      return;
    }
    const routes = await madeRoutes();
    const run = async (index: number): Promise<void> => {
      if (index === routes.length) await next();
      else await routes[index]!(ctx, () => run(index + 1));
    };
    await run(0);
  };
}
