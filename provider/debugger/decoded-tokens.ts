import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { JWK } from 'oidc-provider';
import { publishedKeySet } from '../oidc/index.js';
import { meaningOf, type ClaimSource, type MeaningContext } from './claim-meanings.js';

export interface ExplainedClaim {
  name: string;
  /** As JSON, for the page to show as it came. */
  value: string;
  meaning: string;
}

export interface DecodedToken {
  header: Record<string, unknown>;
  claims: ExplainedClaim[];
  /** "valid", or why not: the signature, issuer, audience and times checked with the emulator's keys. */
  verification: string;
}

/** A token that is no JWT (an opaque refresh token, a broken answer) is shown as it is, undecoded. */
export interface OpaqueToken {
  opaque: string;
}

export function explainClaims(claims: Record<string, unknown>, context: MeaningContext): ExplainedClaim[] {
  return Object.entries(claims).map(([name, value]) => ({ name, value: JSON.stringify(value), meaning: meaningOf(name, value, context) }));
}

/** Decodes and checks the ID token or access token as a careful client would, against the issuer's published keys. */
export class TokenDecoder {
  readonly #keys: JWTVerifyGetKey;
  readonly #issuer: string;

  constructor(issuer: string, signingKeys: JWK[]) {
    this.#issuer = issuer;
    this.#keys = publishedKeySet(signingKeys);
  }

  async decode(token: unknown, source: ClaimSource, context: Omit<MeaningContext, 'source'>): Promise<DecodedToken | OpaqueToken | undefined> {
    if (typeof token !== 'string' || token === '') return undefined;
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      header = decodeProtectedHeader(token);
      claims = decodeJwt(token);
    } catch {
      return { opaque: token };
    }
    const audience = source === 'id_token' ? context.clientId : undefined;
    const verification = await jwtVerify(token, this.#keys, { issuer: this.#issuer, algorithms: ['RS256'], ...(audience && { audience }) }).then(
      () => 'valid',
      (error: Error) => error.message,
    );
    return { header, claims: explainClaims(claims, { ...context, source }), verification };
  }
}
