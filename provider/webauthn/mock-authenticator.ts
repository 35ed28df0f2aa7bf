import { createHash, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import type { Store } from '../store/index.js';

/**
 * The control plane's authenticator: it holds the private keys of fixture credentials and signs
 * assertions with them, as a browser's authenticator would, so a test signs in with a passkey (or
 * answers a security-key 2FA step) over plain HTTP.
 */
export interface AuthenticatorKey {
  credentialId: string;
  sub: string;
  /** PKCS#8 PEM, EC P-256 (COSE alg -7, ES256). */
  privateKey: string;
  /** The signature counter the next assertion will carry, less one. */
  counter: number;
}

export interface AssertionRequest {
  key: AuthenticatorKey;
  challenge: string;
  rpId: string;
  origin: string;
  userVerified: boolean;
  /** The counter to sign; by default the authenticator's own, moved forward by one. */
  counter: number;
}

export interface AssertionJson {
  id: string;
  rawId: string;
  type: 'public-key';
  response: { clientDataJSON: string; authenticatorData: string; signature: string; userHandle: string };
  clientExtensionResults: Record<string, never>;
  authenticatorAttachment: 'platform' | 'cross-platform';
}

export interface AttestationRequest {
  key: AuthenticatorKey;
  challenge: string;
  rpId: string;
  origin: string;
  userVerified: boolean;
}

export interface AttestationJson {
  id: string;
  rawId: string;
  type: 'public-key';
  response: { clientDataJSON: string; attestationObject: string; transports: string[] };
  clientExtensionResults: Record<string, never>;
  authenticatorAttachment: 'platform' | 'cross-platform';
}

const storeKey = (credentialId: string): string => `mock-authenticator:${credentialId}`;
const sha256 = (data: Buffer | string): Buffer => createHash('sha256').update(data).digest();

/** A new ES256 key pair for a fixture credential that names no key of its own. */
export function newPrivateKey(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/** The COSE form (base64url) of a P-256 key's public half: what a credential stores. */
export async function cosePublicKey(privateKeyPem: string): Promise<string> {
  const jwk = createPublicKey(privateKeyPem).export({ format: 'jwk' });
  const { isoCBOR } = await import('@simplewebauthn/server/helpers');
  const cose = new Map<number, number | Uint8Array>([
    [1, 2], // kty: EC2
    [3, -7], // alg: ES256
    [-1, 1], // crv: P-256
    [-2, new Uint8Array(Buffer.from(jwk.x!, 'base64url'))],
    [-3, new Uint8Array(Buffer.from(jwk.y!, 'base64url'))],
  ]);
  return Buffer.from(isoCBOR.encode(cose)).toString('base64url');
}

/** True for PKCS#8 PEM of an EC P-256 private key. */
export function isP256PrivateKey(pem: string): boolean {
  try {
    return createPublicKey(pem).asymmetricKeyDetails?.namedCurve === 'prime256v1';
  } catch {
    return false;
  }
}

/** Signs an assertion as WebAuthn does: over the authenticator data and the hash of the client data. */
export function signAssertion({ key, challenge, rpId, origin, userVerified, counter }: AssertionRequest, attachment: AssertionJson['authenticatorAttachment']): AssertionJson {
  const flags = 0x01 | (userVerified ? 0x04 : 0); // user present, user verified
  const signCount = Buffer.alloc(4);
  signCount.writeUInt32BE(counter >>> 0);
  const authenticatorData = Buffer.concat([sha256(rpId), Buffer.from([flags]), signCount]);
  const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge, origin, crossOrigin: false }));
  const signature = sign('sha256', Buffer.concat([authenticatorData, sha256(clientDataJSON)]), key.privateKey);
  return {
    id: key.credentialId,
    rawId: key.credentialId,
    type: 'public-key',
    response: {
      clientDataJSON: clientDataJSON.toString('base64url'),
      authenticatorData: authenticatorData.toString('base64url'),
      signature: signature.toString('base64url'),
      userHandle: Buffer.from(key.sub, 'utf8').toString('base64url'),
    },
    clientExtensionResults: {},
    authenticatorAttachment: attachment,
  };
}

/**
 * Registers a new credential as WebAuthn does (attestation "none"): the authenticator data names the
 * credential and carries its public key; counter 0.
 */
export async function signAttestation({ key, challenge, rpId, origin, userVerified }: AttestationRequest, attachment: AttestationJson['authenticatorAttachment']): Promise<AttestationJson> {
  const flags = 0x01 | (userVerified ? 0x04 : 0) | 0x40; // user present, user verified, attested credential data
  const credentialId = Buffer.from(key.credentialId, 'base64url');
  const idLength = Buffer.alloc(2);
  idLength.writeUInt16BE(credentialId.length);
  const aaguid = Buffer.alloc(16);
  const authData = Buffer.concat([sha256(rpId), Buffer.from([flags]), Buffer.alloc(4), aaguid, idLength, credentialId, Buffer.from(await cosePublicKey(key.privateKey), 'base64url')]);
  const { isoCBOR } = await import('@simplewebauthn/server/helpers');
  const attestationObject = isoCBOR.encode(
    new Map<string, string | Map<string, string> | Uint8Array>([
      ['fmt', 'none'],
      ['attStmt', new Map<string, string>()],
      ['authData', new Uint8Array(authData)],
    ]),
  );
  const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.create', challenge, origin, crossOrigin: false }));
  return {
    id: key.credentialId,
    rawId: key.credentialId,
    type: 'public-key',
    response: {
      clientDataJSON: clientDataJSON.toString('base64url'),
      attestationObject: Buffer.from(attestationObject).toString('base64url'),
      transports: [attachment === 'platform' ? 'internal' : 'usb'],
    },
    clientExtensionResults: {},
    authenticatorAttachment: attachment,
  };
}

export class MockAuthenticators {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  save(key: AuthenticatorKey): Promise<void> {
    return this.#store.set(storeKey(key.credentialId), key);
  }

  find(credentialId: string): Promise<AuthenticatorKey | undefined> {
    return this.#store.get<AuthenticatorKey>(storeKey(credentialId));
  }

  /** The authenticator's counter moved forward by one (concurrent callers each get their own). */
  async nextCounter(credentialId: string): Promise<number | undefined> {
    const key = await this.#store.update<AuthenticatorKey>(storeKey(credentialId), (current) => current && { ...current, counter: current.counter + 1 });
    return key?.counter;
  }
}
