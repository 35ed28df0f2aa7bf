import type { Context } from 'koa';
import { VISMA_FACTS } from '../config/index.js';

/**
 * A one-time link opened outside the browser that asked for it signs in to Account Settings: the
 * token rides in a short signed cookie through that sign-in's authorization request.
 */
const ONE_TIME_COOKIE = 'mvc_otl';
/** As long as the link itself lives. */
const COOKIE_SECONDS = VISMA_FACTS.links.oneTimeSignInSeconds;

export function parkOneTimeToken(ctx: Context, token: string): void {
  ctx.cookies.set(ONE_TIME_COOKIE, token, { signed: true, httpOnly: true, sameSite: 'lax', maxAge: COOKIE_SECONDS * 1000, overwrite: true });
}

export function takeParkedOneTimeToken(ctx: Context): string | undefined {
  const token = ctx.cookies.get(ONE_TIME_COOKIE, { signed: true });
  if (token) ctx.cookies.set(ONE_TIME_COOKIE, null, { signed: true, overwrite: true });
  return token || undefined;
}
