import type { Middleware } from 'koa';

/**
 * A name (labels of 1 to 63 letters, digits, `-` or `_`, neither first nor last a `-`; a container's
 * name may hold `_`) or an IPv4 address, or a bracketed IPv6 address, with an optional port: nothing
 * else names a host.
 */
const HOST = /^(?:(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.?|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?$/i;
/** RFC 1035's longest name, with a port and brackets to spare. */
const MAX_HOST_LENGTH = 253 + ':65535'.length;

/**
 * Refuses a request whose Host header (and, behind a trusted proxy, X-Forwarded-Host and -Proto)
 * does not name a host: oidc-provider builds its URLs from them and failed with a 500.
 */
export function validHost(): Middleware {
  // Clients send the same Host header request after request: the last one found valid is not checked again.
  let lastValid: string | undefined;
  const checked = (host: string): boolean => {
    if (host === lastValid) return true;
    if (!isValidHost(host)) return false;
    lastValid = host;
    return true;
  };
  return async function requireValidHost(ctx, next) {
    if (!checked(ctx.get('host')) || !checked(ctx.host) || (ctx.protocol !== 'http' && ctx.protocol !== 'https')) {
      ctx.status = 400;
      ctx.body = { error: 'invalid_request', error_description: 'the Host header must be a host name or IP address with an optional port' };
      return;
    }
    if (hostHeaders(ctx.req.rawHeaders) > 1) {
      ctx.status = 400;
      ctx.body = { error: 'invalid_request', error_description: 'the request must have one Host header' };
      return;
    }
    await next();
  };
}

/** How many Host headers the request has: Node keeps the first of several, RFC 9112 has a server refuse them. */
function hostHeaders(raw: string[]): number {
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === 4 && raw[i]!.toLowerCase() === 'host') count += 1;
  return count;
}

function isValidHost(host: string): boolean {
  if (host.length > MAX_HOST_LENGTH || !HOST.test(host)) return false;
  try {
    // Rejects what the pattern lets through but no URL can hold: ports above 65535, malformed IPv4 and IPv6.
    new URL(`http://${host}/`);
    return true;
  } catch {
    return false;
  }
}
