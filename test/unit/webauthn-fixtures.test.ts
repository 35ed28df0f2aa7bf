import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FixtureError, prepareFixtures } from '../../provider/fixtures/index.js';
import { parseFixtures } from '../../provider/fixtures/parse.js';
import { cosePublicKey } from '../../provider/webauthn/index.js';

const parse = (yaml: string) => parseFixtures(yaml, 'test.yaml');
const p256 = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

describe('passkeys and security keys in fixtures', () => {
  it('gives a credential without keys a new key pair whose private half only the control plane holds', async () => {
    const prepared = await prepareFixtures(parse('users:\n  - email: a@b.se\n    passkeys: [{}]\n    securityKeys: [{ name: YubiKey, counter: 4 }]'), 1);
    const [passkey, securityKey] = prepared.accounts[0]!.webauthnCredentials!;
    expect(passkey).toMatchObject({ kind: 'passkey', name: 'Passkey 1', counter: 0 });
    expect(securityKey).toMatchObject({ kind: 'security-key', name: 'YubiKey', counter: 4 });
    expect(prepared.authenticators.map((key) => key.credentialId)).toEqual([passkey!.id, securityKey!.id]);
    expect(await cosePublicKey(prepared.authenticators[0]!.privateKey)).toBe(passkey!.publicKey);
  });

  it('derives the public key from a given private key, and keeps the credential id it is given', async () => {
    const privateKey = p256();
    const prepared = await prepareFixtures(parse(`users:\n  - email: a@b.se\n    passkeys:\n      - credentialId: Y3JlZC0x\n        privateKey: |\n${privateKey.trim().replace(/^/gm, '          ')}`), 1);
    const credential = prepared.accounts[0]!.webauthnCredentials![0]!;
    expect(credential.id).toBe('Y3JlZC0x');
    expect(credential.publicKey).toBe(await cosePublicKey(privateKey));
    expect(createPublicKey(prepared.authenticators[0]!.privateKey).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('keeps a public key alone (a real registration) with no key for the control plane', async () => {
    const prepared = await prepareFixtures(parse('users:\n  - email: a@b.se\n    passkeys: [{ credentialId: abc, publicKey: pQECAyYgASFYIA }]'), 1);
    expect(prepared.accounts[0]!.webauthnCredentials![0]).toMatchObject({ id: 'abc', publicKey: 'pQECAyYgASFYIA' });
    expect(prepared.authenticators).toEqual([]);
  });

  it('gives stable credential ids: the same fixtures load to the same ids', async () => {
    const yaml = 'users:\n  - email: a@b.se\n    passkeys: [{}, {}]';
    const ids = async () => (await prepareFixtures(parse(yaml), 1)).accounts[0]!.webauthnCredentials!.map((credential) => credential.id);
    const first = await ids();
    expect(new Set(first).size).toBe(2);
    expect(await ids()).toEqual(first);
  });

  it.each([
    ['a private key that is no P-256 key', 'users:\n  - email: a@b.se\n    passkeys: [{ privateKey: "not a key" }]', 'test.yaml: users[0].passkeys[0].privateKey: must be a PKCS#8 PEM EC P-256 private key (-----BEGIN PRIVATE KEY-----)'],
    ['both keys', 'users:\n  - email: a@b.se\n    securityKeys: [{ publicKey: abc, privateKey: x }]', 'test.yaml: users[0].securityKeys[0].privateKey: must be a PKCS#8 PEM EC P-256 private key'],
    ['a credential id that is not base64url', 'users:\n  - email: a@b.se\n    passkeys: [{ credentialId: "a+b/c=" }]', 'test.yaml: users[0].passkeys[0].credentialId: must be base64url'],
    ['a negative counter', 'users:\n  - email: a@b.se\n    passkeys: [{ counter: -1 }]', 'test.yaml: users[0].passkeys[0].counter: must not be negative'],
    ['an unknown key', 'users:\n  - email: a@b.se\n    passkeys: [{ secret: x }]', 'test.yaml: users[0].passkeys[0]: unknown key "secret"'],
  ])('rejects %s, naming the path', (_name, yaml, message) => {
    expect(() => parse(yaml)).toThrow(FixtureError);
    expect(() => parse(yaml)).toThrow(message);
  });

  it('rejects both keys on a credential even when each is well-formed', () => {
    expect(() => parse(`users:\n  - email: a@b.se\n    passkeys:\n      - publicKey: abc\n        privateKey: |\n${p256().trim().replace(/^/gm, '          ')}`)).toThrow(
      'test.yaml: users[0].passkeys[0].publicKey: give publicKey or privateKey, not both',
    );
  });
});
