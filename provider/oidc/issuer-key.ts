import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { compactVerify, SignJWT, type JWTPayload } from 'jose';
import type { JWK } from 'oidc-provider';

/**
 * The issuer's signing key (the first of the JWKS, as oidc-provider signs ID tokens with it) for the
 * tokens the emulator signs itself: JWT access tokens from sign-in and logout tokens.
 */
export class IssuerKey {
  readonly #private: KeyObject;
  readonly #public: KeyObject;
  readonly #kid: string | undefined;

  constructor(
    readonly issuer: string,
    jwk: JWK,
  ) {
    this.#private = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
    this.#public = createPublicKey(this.#private);
    this.#kid = jwk.kid;
  }

  /** RS256, `iss` set to the issuer. */
  sign(payload: JWTPayload, typ: string): Promise<string> {
    return new SignJWT({ ...payload, iss: this.issuer }).setProtectedHeader({ alg: 'RS256', typ, ...(this.#kid && { kid: this.#kid }) }).sign(this.#private);
  }

  /**
   * The payload of a JWT this key signed with this `typ` for this issuer, or undefined for anything
   * else. Times are not checked here: the state kept for the token decides whether it is still valid.
   */
  async read(token: string, typ: string): Promise<JWTPayload | undefined> {
    try {
      const { payload, protectedHeader } = await compactVerify(token, this.#public, { algorithms: ['RS256'] });
      if (protectedHeader.typ !== typ) return undefined;
      const claims = JSON.parse(new TextDecoder().decode(payload)) as JWTPayload;
      return claims.iss === this.issuer ? claims : undefined;
    } catch {
      return undefined;
    }
  }
}
