import type { Middleware } from 'koa';
import { HttpError } from './http-error.js';
import { negotiateLanguage } from '../i18n/index.js';
import type { Logger } from './logger.js';
import { sendPage } from './views.js';

/** A client error that escaped its route keeps its status; anything else is logged and shown as an error page. */
export function lastResort(logger: Logger): Middleware {
  return async function unexpectedError(ctx, next) {
    try {
      await next();
    } catch (error) {
      if (error instanceof HttpError) {
        ctx.status = error.status;
        ctx.body = error.toJSON();
        return;
      }
      logger.error(`${ctx.method} ${ctx.path} failed: ${(error as Error).stack ?? String(error)}`);
      sendPage(ctx, 'error', { title: 'Error', language: negotiateLanguage(ctx), error: 'server_error', description: 'The emulator failed; see its log.' }, 500);
    }
  };
}
