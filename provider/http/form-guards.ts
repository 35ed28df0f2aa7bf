import { createHmac } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import * as z from 'zod';
import type { MessageKey } from '../i18n/index.js';
import { readFormFields } from './form-fields.js';
import { isSafeMethod, sentFromAnotherSite } from './cross-site.js';
import { showMessage } from './message-page.js';
import { sameSecret } from './same-secret.js';
import { schemaOnFirstUse } from './schema-on-first-use.js';

/** Where a refused form sends the user back to, if anywhere. */
type Back = { url: string; label: MessageKey } | undefined;

function refuseForm(ctx: Context, back: Back): void {
  showMessage(ctx, { heading: 'formRefusedTitle', lines: ['formRefusedText'], status: 403, ...(back && { link: back }) });
}

/**
 * Our pages' forms post to our own origin: a post a browser sends from another site's page (or
 * another localhost port) is refused with a page that says so.
 */
export function sameSiteForms(issuer: string, back?: Back): Middleware {
  const issuerOrigin = new URL(issuer).origin;
  return async function refuseCrossSiteForms(ctx, next) {
    if (!isSafeMethod(ctx.method) && sentFromAnotherSite(ctx, [issuerOrigin])) return refuseForm(ctx, back);
    await next();
  };
}

/** The hidden field that carries the token, named as ASP.NET's antiforgery names it; sent twice, or too long to be one, it is none. */
const CSRF_FIELD = '__RequestVerificationToken';
const tokenForm = schemaOnFirstUse(() => z.object({ [CSRF_FIELD]: z.string().max(128).optional() }));

/**
 * Form tokens bound to a session: an HMAC of the session's id under the cookie keys, so every
 * replica sharing COOKIE_KEYS agrees, and a page of another site, which cannot read the session
 * cookie, cannot make one.
 */
export class CsrfTokens {
  readonly #keys: readonly string[];
  readonly #signingKey: string;

  constructor(keys: readonly string[]) {
    if (keys[0] === undefined) throw new Error('form tokens need a cookie key');
    this.#keys = keys;
    this.#signingKey = keys[0];
  }

  tokenFor(sessionId: string): string {
    return this.#sign(this.#signingKey, sessionId);
  }

  matches(token: string | undefined, sessionId: string): boolean {
    if (token === undefined) return false;
    return this.#keys.some((key) => sameSecret(token, this.#sign(key, sessionId)));
  }

  #sign(key: string, sessionId: string): string {
    return createHmac('sha256', key).update(`form:${sessionId}`).digest('base64url');
  }

  /** Every post (or other unsafe method) must carry the token of the session it is sent in. */
  guard(sessionIdOf: (ctx: Context) => Promise<string>, back?: Back): Middleware {
    return async (ctx, next) => {
      if (!isSafeMethod(ctx.method) && !this.matches((await readFormFields(ctx, tokenForm())).fields?.[CSRF_FIELD], await sessionIdOf(ctx))) return refuseForm(ctx, back);
      await next();
    };
  }
}
