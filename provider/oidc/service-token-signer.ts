import { createPrivateKey, hash, sign, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'oidc-provider';

const ALG = 'RS256';
const TYP = 'at+jwt';

/**
 * Signs access tokens as oidc-provider's JWT format signs a resource server's tokens with
 * `jwt.sign.alg` RS256: the key its keystore selects for RS256, the header `{alg, typ: 'at+jwt', kid}`,
 * the payload as given (its JSON member order is the token's). The RSA signature, most of a token's
 * cost, is made on libuv's thread pool (as jose's WebCrypto signing in oidc-provider is), so the
 * event loop reads the next requests meanwhile and a busy server signs on every core.
 */
export class ServiceTokenSigner {
  readonly #key: KeyObject;
  readonly #encodedHeader: string;

  constructor(keys: readonly JWK[]) {
    const jwk = keyForRs256(keys);
    this.#key = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
    this.#encodedHeader = base64url(JSON.stringify({ alg: ALG, typ: TYP, kid: jwk.kid ?? thumbprintKid(jwk) }));
  }

  sign(payload: object): Promise<string> {
    const input = `${this.#encodedHeader}.${base64url(JSON.stringify(payload))}`;
    return new Promise((resolve, reject) => {
      sign('sha256', Buffer.from(input), this.#key, (error, signature) => (error ? reject(error) : resolve(`${input}.${signature.toString('base64url')}`)));
    });
  }
}

const base64url = (text: string): string => Buffer.from(text).toString('base64url');

/**
 * oidc-provider's `keystore.selectForSign({alg: 'RS256'})`: the RSA keys that may sign RS256 (no other
 * `alg`, no other `use`, `key_ops` naming `sign` when given), those that name an `alg` first, else in
 * their order. The keys are all private RSA keys (loadSigningKeys), so one always qualifies or none does.
 */
function keyForRs256(keys: readonly JWK[]): JWK {
  const candidates = keys.filter((jwk) => jwk.kty === 'RSA' && (jwk.alg === undefined || jwk.alg === ALG) && (jwk.use === undefined || jwk.use === 'sig') && (!Array.isArray(jwk.key_ops) || jwk.key_ops.includes('sign')));
  const chosen = candidates.find((jwk) => jwk.alg !== undefined) ?? candidates[0];
  if (!chosen) throw new Error('no signing key can sign RS256');
  return chosen;
}

/** The kid oidc-provider gives a key that has none (lib/helpers/initialize_keystore.js). */
function thumbprintKid(jwk: JWK): string {
  return hash('sha256', JSON.stringify({ e: jwk.e, kty: 'RSA', n: jwk.n }), 'base64url');
}
