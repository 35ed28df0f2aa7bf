import type { Middleware } from 'koa';
import { StoreOutageError } from '../store/index.js';
import { HttpError } from './http-error.js';
import type { Logger } from './logger.js';

/** For JSON routes: HttpError becomes its status and body; anything else a logged 500 that says so. */
export function jsonErrors(logger: Logger): Middleware {
  return async function jsonErrorBoundary(ctx, next) {
    try {
      await next();
    } catch (error) {
      if (error instanceof StoreOutageError) throw error; // the store guard answers it (503)
      if (error instanceof HttpError) {
        ctx.status = error.status;
        ctx.body = error.toJSON();
        return;
      }
      logger.error(`${ctx.method} ${ctx.path} failed: ${(error as Error).stack ?? String(error)}`);
      ctx.status = 500;
      ctx.body = { error: 'server_error', error_description: 'the emulator failed to handle this request; see its log' };
    }
  };
}
