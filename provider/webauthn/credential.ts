/**
 * A WebAuthn credential on an account: a passkey (discoverable, user-verifying: signs in on its own)
 * or a security key (the second factor after a password, beside TOTP).
 */
export type CredentialKind = 'passkey' | 'security-key';

export interface StoredCredential {
  /** The credential id, base64url. */
  id: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  /** The authenticator's signature counter as last seen (0: the authenticator keeps none). */
  counter: number;
  transports?: string[];
  kind: CredentialKind;
  /** The user's name for it (Account Settings). */
  name: string;
  /** Epoch seconds. */
  createdAt: number;
  lastUsedAt?: number;
}

/** What of an account this module reads and writes. */
export interface WithCredentials {
  webauthnCredentials?: StoredCredential[];
}

export const credentialsOf = (account: WithCredentials, kind?: CredentialKind): StoredCredential[] => (account.webauthnCredentials ?? []).filter((credential) => kind === undefined || credential.kind === kind);

export const hasSecurityKey = (account: WithCredentials): boolean => credentialsOf(account, 'security-key').length > 0;
export const hasPasskey = (account: WithCredentials): boolean => credentialsOf(account, 'passkey').length > 0;

export const MAX_CREDENTIAL_NAME = 64;
