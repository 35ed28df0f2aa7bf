import { readFileSync } from 'node:fs';
import { createLocalJWKSet, type JWTVerifyGetKey } from 'jose';
import type { JWK } from 'oidc-provider';
import { projectPath } from '../config/index.js';

/** The committed, test-only key: the JWKS stays the same across restarts. SIGNING_KEYS points elsewhere. */
const DEV_SIGNING_KEYS_PATH = projectPath('fixtures', 'dev-signing-keys.json');

export class SigningKeysError extends Error {
  override name = 'SigningKeysError';
}

/** Reads a private JWKS (`{ keys: [...] }`); the first RS256-capable RSA key signs. No key is ever generated. */
export async function loadSigningKeys(path = DEV_SIGNING_KEYS_PATH): Promise<JWK[]> {
  let document: { keys?: unknown };
  try {
    // Read synchronously, as the fixture file is (fixtures/read.ts).
    document = JSON.parse(readFileSync(path, 'utf8')) as { keys?: unknown };
  } catch (error) {
    throw new SigningKeysError(`SIGNING_KEYS ${path}: cannot be read as JSON (${(error as Error).message})`);
  }
  const keys = document.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new SigningKeysError(`SIGNING_KEYS ${path}: must be a JWKS object with a non-empty "keys" array`);
  keys.forEach((key: JWK, index) => {
    if (key.kty !== 'RSA' || typeof key.d !== 'string') {
      throw new SigningKeysError(`SIGNING_KEYS ${path}: keys[${index}] must be a private RSA key (kty "RSA" with "d"): ID tokens are RS256 only`);
    }
  });
  return keys as JWK[];
}

/** The public halves of the signing keys, as the JWKS publishes them: what our own APIs verify the issuer's tokens against. */
export function publishedKeySet(signingKeys: JWK[]): JWTVerifyGetKey {
  return createLocalJWKSet({ keys: signingKeys.map(({ kty, n, e, kid, alg, use }) => ({ kty, n, e, kid, alg: alg ?? 'RS256', use: use ?? 'sig' })) });
}
