import type { Middleware } from 'koa';
import { negotiateLanguage } from '../i18n/index.js';
import type { Logger } from './logger.js';
import { renderPage } from './views.js';

/** Whatever escapes the routes is logged and shown as an error page, never as a bare stack trace. */
export function lastResort(logger: Logger): Middleware {
  return async function unexpectedError(ctx, next) {
    try {
      await next();
    } catch (error) {
      logger.error(`${ctx.method} ${ctx.path} failed: ${(error as Error).stack ?? String(error)}`);
      ctx.status = 500;
      ctx.type = 'html';
      ctx.body = renderPage('error', { title: 'Error', language: negotiateLanguage(ctx), error: 'server_error', description: 'The emulator failed; see its log.' });
    }
  };
}
