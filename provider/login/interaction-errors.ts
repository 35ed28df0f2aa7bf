import type { Middleware } from 'koa';
import { errors } from 'oidc-provider';
import { sendPage } from '../http/index.js';
import { negotiateLanguage } from '../i18n/index.js';

/** An interaction that expired, or whose cookie is missing, gets a page that says to start again. */
export function interactionErrors(): Middleware {
  return async function expiredInteraction(ctx, next) {
    try {
      await next();
    } catch (error) {
      if (!(error instanceof errors.SessionNotFound)) throw error;
      const language = negotiateLanguage(ctx);
      sendPage(ctx, 'error', { language, error: 'invalid_request', description: null, explanation: 'interactionExpired' }, 400);
    }
  };
}
