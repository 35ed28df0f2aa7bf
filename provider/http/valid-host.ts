import type { Middleware } from 'koa';

/** A name or IPv4 address, or a bracketed IPv6 address, with an optional port: nothing else names a host. */
const HOST = /^(?:[a-z0-9._~-]+|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?$/i;

/**
 * Refuses a request whose Host header (and, behind a trusted proxy, X-Forwarded-Host and -Proto)
 * does not name a host: oidc-provider builds its URLs from them and failed with a 500.
 */
export function validHost(): Middleware {
  // The last host found valid: nearly every request names the same one, so it is checked once.
  let known: string | undefined;
  const valid = (host: string): boolean => {
    if (host === known) return true;
    if (!isValidHost(host)) return false;
    known = host;
    return true;
  };
  return async function requireValidHost(ctx, next) {
    if (!valid(ctx.get('host')) || !valid(ctx.host) || (ctx.protocol !== 'http' && ctx.protocol !== 'https')) {
      ctx.status = 400;
      ctx.body = { error: 'invalid_request', error_description: 'the Host header must be a host name or IP address with an optional port' };
      return;
    }
    await next();
  };
}

function isValidHost(host: string): boolean {
  if (!HOST.test(host)) return false;
  try {
    // Rejects what the pattern lets through but no URL can hold: ports above 65535, malformed IPv4 and IPv6.
    new URL(`http://${host}/`);
    return true;
  } catch {
    return false;
  }
}
