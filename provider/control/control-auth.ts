import { timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { HttpError } from '../http/index.js';

/**
 * With CONTROL_TOKEN set, every control-plane call needs `Authorization: Bearer <token>` (or, for the
 * mailbox page in a browser, `?token=`). Without one, the control plane is open only when the server
 * listens on loopback; otherwise it refuses.
 */
export function controlAuth(token: string | undefined, exposedWithoutToken: boolean): Middleware {
  const expected = token === undefined ? undefined : Buffer.from(`Bearer ${token}`);
  return async function requireControlToken(ctx, next) {
    if (exposedWithoutToken) {
      throw new HttpError(403, 'control_plane_disabled', 'the server listens beyond loopback, so the control plane needs CONTROL_TOKEN to be set');
    }
    if (expected) {
      const query = typeof ctx.query['token'] === 'string' ? `Bearer ${ctx.query['token']}` : '';
      const given = Buffer.from(ctx.get('authorization') || query);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        ctx.set('www-authenticate', 'Bearer realm="mock-visma-connect control plane"');
        throw new HttpError(401, 'unauthorized', 'the control plane needs Authorization: Bearer <CONTROL_TOKEN>');
      }
    }
    await next();
  };
}
