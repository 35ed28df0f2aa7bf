import type { Context } from 'koa';

/**
 * Whether a browser sent this request from another site's page: Sec-Fetch-Site says so (a page on
 * another localhost port is "same-site", and refused too), or the Origin is neither this request's
 * own origin nor one of `ownOrigins`. Requests without either header (curl, scripts, the testing
 * library) are not from a page.
 */
export function sentFromAnotherSite(ctx: Context, ownOrigins: readonly string[]): boolean {
  const site = ctx.get('sec-fetch-site');
  if (site !== '' && site !== 'same-origin' && site !== 'none') return true;
  const origin = ctx.get('origin').toLowerCase();
  // Koa 3's ctx.origin is the Origin header itself; this request's own origin is built here.
  return origin !== '' && origin !== `${ctx.protocol}://${ctx.host}`.toLowerCase() && !ownOrigins.includes(origin);
}

export const isSafeMethod = (method: string): boolean => method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
