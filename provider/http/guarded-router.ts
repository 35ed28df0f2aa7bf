import { Router, type RouterMiddleware } from '@koa/router';
import type { Middleware } from 'koa';

/**
 * A router whose guards are part of every route it registers: they run first in the route's own
 * middleware, so whatever spelling of a path reaches a handler has passed them. (A `router.use`
 * guard is matched on its own, and @koa/router matched it case-sensitively while routes matched
 * case-insensitively: `/_MOCK/totp` reached its handler without the token.) Paths match
 * case-sensitively: our own paths are spelled one way only.
 */
export function guardedRouter(prefix: string | undefined, ...guards: Middleware[]): Router {
  const router = new Router({ ...(prefix !== undefined && { prefix }), sensitive: true });
  const register = router.register.bind(router);
  // get, post, all and the other verbs register through this; `use` layers (no methods) are left alone.
  router.register = (path, methods, middleware, options) => register(path, methods, methods.length === 0 ? middleware : [...(guards as RouterMiddleware[]), ...[middleware].flat()], options);
  return router;
}
