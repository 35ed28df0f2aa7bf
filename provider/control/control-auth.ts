import { timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { HttpError } from '../http/index.js';

/** With CONTROL_TOKEN set, every control-plane call needs `Authorization: Bearer <token>`. */
export function controlAuth(token: string | undefined): Middleware {
  const expected = token === undefined ? undefined : Buffer.from(`Bearer ${token}`);
  return async function requireControlToken(ctx, next) {
    if (expected) {
      const given = Buffer.from(ctx.get('authorization'));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        ctx.set('www-authenticate', 'Bearer realm="mock-visma-connect control plane"');
        throw new HttpError(401, 'unauthorized', 'the control plane needs Authorization: Bearer <CONTROL_TOKEN>');
      }
    }
    await next();
  };
}
