import type { Middleware } from 'koa';
import { StoreOutageError } from '../store/index.js';
import { HttpError } from './http-error.js';
import { negotiateLanguage } from '../i18n/index.js';
import type { Logger } from './logger.js';
import { sendPage } from './views.js';

/**
 * A client error that escaped its route (a form too large to read) keeps its status, as a page for
 * a browser and JSON otherwise; anything else is logged and shown as an error page.
 */
export function lastResort(logger: Logger): Middleware {
  return async function unexpectedError(ctx, next) {
    try {
      await next();
    } catch (error) {
      if (error instanceof StoreOutageError) throw error; // the store guard answers it (503)
      if (error instanceof HttpError) {
        // Browsers ask for text/html; API clients, curl and fetch do not.
        if (ctx.get('accept').includes('text/html')) {
          sendPage(ctx, 'error', { language: negotiateLanguage(ctx), error: error.code, description: error.description }, error.status);
        } else {
          ctx.status = error.status;
          ctx.body = error.toJSON();
        }
        return;
      }
      logger.error(`${ctx.method} ${ctx.path} failed: ${(error as Error).stack ?? String(error)}`);
      sendPage(ctx, 'error', { language: negotiateLanguage(ctx), error: 'server_error', description: 'The emulator failed; see its log.' }, 500);
    }
  };
}
