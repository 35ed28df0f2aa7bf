import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { loadSigningKeys } from '../../provider/oidc/index.js';
import { startTestEmulator } from '../support/emulator.js';

function writeJson(value: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'mvc-keys-')), 'keys.json');
  writeFileSync(path, JSON.stringify(value));
  return path;
}

describe('signing keys', () => {
  it('publishes the committed test-only key by default, the same on every start', async () => {
    const [first, second] = await Promise.all([startTestEmulator(), startTestEmulator()]);
    try {
      const jwks = await Promise.all([first, second].map(async (e) => (await fetch(`${e.issuer}/.well-known/openid-configuration/jwks`)).json()));
      expect(jwks[0]).toEqual(jwks[1]);
      expect((jwks[0] as { keys: { kty: string; d?: string }[] }).keys).toEqual([expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig' })]);
      expect(JSON.stringify(jwks[0])).not.toContain('"d"');
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('uses the keys SIGNING_KEYS points at', async () => {
    const jwk = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'my-own-key', use: 'sig', alg: 'RS256' };
    const emulator = await startTestEmulator({ settings: { signingKeysPath: writeJson({ keys: [jwk] }) } });
    try {
      const jwks = (await (await fetch(`${emulator.issuer}/.well-known/openid-configuration/jwks`)).json()) as { keys: { kid: string }[] };
      expect(jwks.keys.map((key) => key.kid)).toEqual(['my-own-key']);
    } finally {
      await emulator.close();
    }
  });

  it.each([
    ['not JSON', 'nope', /cannot be read as JSON/],
    ['no keys', { keys: [] }, /must be a JWKS object with a non-empty "keys" array/],
    ['a public key only', { keys: [{ kty: 'RSA', n: 'x', e: 'AQAB' }] }, /keys\[0\] must be a private RSA key/],
  ])('refuses a key file with %s, naming the file', async (_name, content, message) => {
    const path =
      typeof content === 'string'
        ? (() => {
            const p = writeJson(null);
            writeFileSync(p, content);
            return p;
          })()
        : writeJson(content);
    await expect(loadSigningKeys(path)).rejects.toThrow(message);
    await expect(loadSigningKeys(path)).rejects.toThrow(path);
  });

  it.each([
    ['a key without kid before one that names RS256', [{}, { kid: 'named', alg: 'RS256', use: 'sig' }]],
    ['keys without kid', [{}, {}]],
    ['a key for another algorithm first', [{ kid: 'ps', alg: 'PS256' }, { kid: 'rs' }]],
  ])('signs client_credentials tokens with the key oidc-provider picks, from %s', async (_name, shapes) => {
    const keys = shapes.map((shape) => ({ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), ...shape }));
    const emulator = await startTestEmulator({ settings: { signingKeysPath: writeJson({ keys }) } });
    try {
      // The extra parameter sends the request on to oidc-provider (client-credentials-grant.ts answers only what it knows).
      const fast = await serviceTokenHeader(emulator.url, '');
      const reference = await serviceTokenHeader(emulator.url, '&x_answered_by=oidc-provider');
      expect(fast).toEqual(reference);
      expect(fast.kid).toEqual(expect.any(String));
    } finally {
      await emulator.close();
    }
  });
});

async function serviceTokenHeader(url: string, marker: string) {
  const response = await fetch(`${url}/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('hrm-api:dev-api-secret').toString('base64')}` },
    body: `grant_type=client_credentials&scope=connect%3Ausers${marker}`,
  });
  expect(response.status).toBe(200);
  return decodeProtectedHeader(((await response.json()) as { access_token: string }).access_token);
}
