import type { Context } from 'koa';
import { ACCOUNT_SETTINGS_CLIENT_ID } from '../account-settings/internal-client.js';
import { VISMA_FACTS } from '../config/index.js';

/**
 * A one-time link opened outside the browser that asked for it signs in to Account Settings: the
 * token rides in a short signed cookie through that sign-in's authorization request (with
 * prompt=login, so that its login page comes at once even in a browser signed in already).
 */
const ONE_TIME_COOKIE = 'mvc_otl';
/** As long as the link itself lives. */
const COOKIE_SECONDS = VISMA_FACTS.links.oneTimeSignInSeconds;

export function parkOneTimeToken(ctx: Context, token: string): void {
  ctx.cookies.set(ONE_TIME_COOKIE, token, { signed: true, httpOnly: true, sameSite: 'lax', maxAge: COOKIE_SECONDS * 1000, overwrite: true });
}

/**
 * The token parked for this login page, taken off the browser whatever page it is: only Account
 * Settings' sign-in (`clientId`) uses it. A token left for a later page of another app would sign that
 * browser in as the link's user without anyone asking.
 */
export function takeParkedOneTimeToken(ctx: Context, clientId: unknown): string | undefined {
  const token = ctx.cookies.get(ONE_TIME_COOKIE, { signed: true });
  if (token) ctx.cookies.set(ONE_TIME_COOKIE, null, { signed: true, overwrite: true });
  return token && clientId === ACCOUNT_SETTINGS_CLIENT_ID ? token : undefined;
}
