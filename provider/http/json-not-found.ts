import type { Middleware } from 'koa';
import { NotFound } from '../errors/index.js';

/**
 * A path under `prefix` that no route answered is a JSON 404 (`{error, error_description}` through the
 * error edge), not Koa's `Not Found` text: a client of the JSON API there reads the answer as JSON.
 */
export function jsonNotFoundUnder(prefix: string, hint: string): Middleware {
  return async function jsonNotFound(ctx, next) {
    await next();
    const under = ctx.path === prefix || ctx.path.startsWith(`${prefix}/`);
    if (under && ctx.status === 404 && ctx.body === undefined) throw new NotFound(`no such endpoint: ${ctx.method} ${ctx.path}; ${hint}`);
  };
}
