import type { IncomingHttpHeaders } from 'node:http';

/** A client's id and secret as the request presents them (client_secret_basic or client_secret_post). */
export interface PresentedSecret {
  clientId: string;
  secret: string;
}

/** What oidc-provider refuses in a decoded Basic credential (its `noVSCHAR`). */
const NOT_VSCHAR = /[^\x20-\x7E]/;
const BASE64 = /^([A-Za-z0-9+/]*)(={0,2})$/;

/**
 * The client id and secret of a token request, read as oidc-provider's client authentication reads
 * them (lib/shared/client_auth.js), for a request that presents exactly one of them: an Authorization
 * header with Basic credentials, or `client_id` and `client_secret` in the body. Anything oidc-provider
 * would refuse or read another way (both at once, a malformed header, a `client_id` that differs from
 * the header's, an empty secret, client attestation headers) is undefined.
 */
export function presentedSecret(headers: IncomingHttpHeaders, params: { client_id?: string; client_secret?: string }): PresentedSecret | undefined {
  if (headers['oauth-client-attestation'] !== undefined || headers['oauth-client-attestation-pop'] !== undefined) return undefined;
  const { authorization } = headers;
  if (authorization === undefined) {
    if (!params.client_id || !params.client_secret) return undefined;
    return { clientId: params.client_id, secret: params.client_secret };
  }
  if (params.client_secret !== undefined) return undefined;
  const basic = basicCredentials(authorization);
  if (!basic || (params.client_id !== undefined && params.client_id !== basic.clientId)) return undefined;
  return basic;
}

function basicCredentials(authorization: string): PresentedSecret | undefined {
  const parts = authorization.split(' ');
  if (parts.length !== 2 || parts[0]!.toLowerCase() !== 'basic' || !isValidBase64(parts[1]!)) return undefined;
  const decoded = Buffer.from(parts[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  const clientId = decodeFormComponent(decoded.slice(0, colon));
  const secret = decodeFormComponent(decoded.slice(colon + 1));
  if (!clientId || !secret) return undefined;
  return { clientId, secret };
}

function isValidBase64(input: string): boolean {
  const match = BASE64.exec(input);
  if (!match?.[1]) return false;
  const remainder = match[1].length % 4;
  if (!match[2]) return remainder !== 1;
  return (match[1].length + match[2].length) % 4 === 0 && match[2].length === 4 - remainder;
}

/** RFC 6749 section 2.3.1: each half is form-encoded; undefined where oidc-provider refuses it. */
function decodeFormComponent(encoded: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(encoded.replace(/\+/g, '%20'));
  } catch {
    return undefined;
  }
  return NOT_VSCHAR.test(decoded) ? undefined : decoded;
}
