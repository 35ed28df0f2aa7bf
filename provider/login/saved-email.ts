import type { Context } from 'koa';
import { canonicalEmail, MAX_EMAIL_LENGTH } from '../accounts/index.js';

/**
 * "Save my email address for next time" on the identifier page: the address rides in a long-lived
 * cookie (base64url, so any address is a valid cookie value) sent only to the interaction pages, and
 * pre-fills the identifier page. It names nobody the browser's user did not type, so it is not signed;
 * a value that is not a well-formed address (too long, not base64url, not an e-mail) is ignored.
 * Max-Age rather than Expires: an Expires date would be read off the emulator clock, which a test may
 * have moved years away from the browser's.
 */
const SAVED_EMAIL_COOKIE = 'mvc_saved_email';
const SAVED_EMAIL_SECONDS = 365 * 24 * 60 * 60;
const PATH = '/interaction';
const MAX_VALUE_LENGTH = Math.ceil((MAX_EMAIL_LENGTH * 4) / 3);

export function savedEmail(ctx: Context): string | undefined {
  const value = ctx.cookies.get(SAVED_EMAIL_COOKIE);
  if (!value || value.length > MAX_VALUE_LENGTH || !/^[\w-]+$/.test(value)) return undefined;
  return canonicalEmail(Buffer.from(value, 'base64url').toString('utf8'));
}

/** Saves the address when the box is ticked; an unticked box forgets a saved one. tough-cookie (which writes Max-Age) is loaded on first use. */
export async function rememberEmailChoice(ctx: Context, email: string, save: boolean): Promise<void> {
  if (!save && ctx.cookies.get(SAVED_EMAIL_COOKIE) === undefined) return;
  const { Cookie } = await import('tough-cookie');
  const value = save ? Buffer.from(email, 'utf8').toString('base64url') : '';
  const cookie = new Cookie({ key: SAVED_EMAIL_COOKIE, value, maxAge: save ? SAVED_EMAIL_SECONDS : 0, path: PATH, httpOnly: true, sameSite: 'lax', secure: ctx.secure });
  ctx.append('set-cookie', cookie.toString());
}
