import type { Middleware } from 'koa';
import { isLoopbackHostname, sameSecret } from '../http/index.js';

export interface MailApiAccess {
  controlToken: string | undefined;
  /** The server listens beyond loopback and CONTROL_TOKEN is not set: the API is off. */
  exposedWithoutToken: boolean;
  /** The one origin whose pages may read the API (MailHog's -cors-origin); none: no CORS headers. */
  corsOrigin: string | undefined;
}

/**
 * Who may read the caught mails, the rule of `/_mock`: with CONTROL_TOKEN every call needs it (as
 * `Authorization: Bearer <token>`, or as the password of Basic auth, which MailHog clients can send);
 * without it the API answers only on loopback, and only to a Host header that names loopback, so a
 * web page cannot reach it through a DNS name rebound to 127.0.0.1.
 */
export function mailApiAccess({ controlToken, exposedWithoutToken, corsOrigin }: MailApiAccess): Middleware {
  return async function guardMailApi(ctx, next) {
    if (corsOrigin !== undefined) {
      ctx.set('access-control-allow-origin', corsOrigin);
      ctx.set('access-control-allow-methods', 'OPTIONS,GET,POST,DELETE');
      ctx.set('access-control-allow-headers', 'Content-Type, Authorization');
    }
    // A preflight carries no credentials and gets no data, as MailHog answers it.
    if (ctx.method === 'OPTIONS') {
      ctx.status = 200;
      return;
    }
    if (exposedWithoutToken) {
      return refuse(ctx, 403, 'mail_api_disabled', 'the server listens beyond loopback, so the MailHog API needs CONTROL_TOKEN to be set');
    }
    if (controlToken !== undefined) {
      if (!presentsToken(ctx.get('authorization'), controlToken)) {
        ctx.set('www-authenticate', 'Bearer realm="mock-visma-connect mail"');
        return refuse(ctx, 401, 'unauthorized', 'the MailHog API needs Authorization: Bearer <CONTROL_TOKEN> (or Basic auth with CONTROL_TOKEN as the password)');
      }
    } else if (!isLoopbackHostname(ctx.hostname)) {
      return refuse(ctx, 403, 'host_not_allowed', 'without CONTROL_TOKEN the MailHog API answers only to Host localhost, 127.0.0.1 or [::1]');
    }
    await next();
  };
}

function refuse(ctx: Parameters<Middleware>[0], status: number, error: string, description: string): void {
  ctx.status = status;
  ctx.body = { error, error_description: description };
}

function presentsToken(authorization: string, token: string): boolean {
  const [scheme = '', credentials = ''] = authorization.split(' ', 2);
  let given: string;
  if (scheme.toLowerCase() === 'bearer') given = credentials;
  else if (scheme.toLowerCase() === 'basic')
    given = Buffer.from(credentials, 'base64')
      .toString('utf8')
      .replace(/^[^:]*:/, '');
  else return false;
  return sameSecret(given, token);
}
