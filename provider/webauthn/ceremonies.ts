import type { AuthenticatorTransport, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { Account, AccountRepository } from '../accounts/index.js';
import type { Clock } from '../time/index.js';
import { parseAssertion, parseAttestation, type CeremonyAnswer, type ClientData, type WebAuthnProblem } from './ceremony-answer.js';
import { CHALLENGE_SECONDS, type CeremonyPurpose, type WebAuthnChallenges } from './challenges.js';
import { credentialsOf, MAX_CREDENTIAL_NAME, type CredentialKind, type StoredCredential } from './credential.js';

type SimpleWebAuthn = typeof import('@simplewebauthn/server');
let loaded: Promise<SimpleWebAuthn> | undefined;
/** Loaded on the first ceremony, not at start-up. */
const webauthn = (): Promise<SimpleWebAuthn> => (loaded ??= import('@simplewebauthn/server'));

export type SignedIn = { ok: true; account: Account; credential: StoredCredential } | { ok: false; problem: WebAuthnProblem };
export type Registered = { ok: true; account: Account; credential: StoredCredential } | { ok: false; problem: WebAuthnProblem };

const RP_NAME = 'Visma Connect';
const TIMEOUT_MS = CHALLENGE_SECONDS * 1000;

/** The user handle of our credentials: the account's `sub` as UTF-8 (the browser gives it back at a passkey sign-in). */
const userHandleOf = (sub: string): Uint8Array<ArrayBuffer> => new Uint8Array(Buffer.from(sub, 'utf8'));
const subOfUserHandle = (handle: string | undefined): string | undefined => (handle ? Buffer.from(handle, 'base64url').toString('utf8') : undefined);

/**
 * The WebAuthn ceremonies of the sign-in pages and Account Settings, with the relying party the
 * issuer: RP ID its host, origin its origin. Every failure is a problem the page shows, never a throw.
 */
export class WebAuthnCeremonies {
  readonly rpId: string;
  readonly origin: string;

  constructor(
    private readonly accounts: AccountRepository,
    private readonly challenges: WebAuthnChallenges,
    issuer: string,
    private readonly clock: Clock,
  ) {
    const url = new URL(issuer);
    this.rpId = url.hostname;
    this.origin = url.origin;
  }

  /** Options for `navigator.credentials.get`: any passkey (discoverable), or the account's security keys. */
  async assertionOptions(binding: string, purpose: 'passkey-sign-in' | 'security-key', account?: Account): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const challenge = await this.challenges.issue(binding, purpose);
    const allowed = purpose === 'security-key' && account ? credentialsOf(account, 'security-key') : [];
    return (await webauthn()).generateAuthenticationOptions({
      rpID: this.rpId,
      challenge: Buffer.from(challenge, 'base64url'),
      timeout: TIMEOUT_MS,
      userVerification: purpose === 'passkey-sign-in' ? 'required' : 'discouraged',
      allowCredentials: allowed.map(({ id, transports }) => ({ id, ...(transports && { transports: transports as AuthenticatorTransport[] }) })),
    });
  }

  /**
   * Checks an assertion: its challenge (taken, so an answer is good once), origin, credential and
   * signature, and the counter moving forward. A passkey names its account (the user handle) and must
   * have verified the user; at the 2FA step the key must be one of `account`'s security keys.
   */
  async verifyAssertion(form: CeremonyAnswer, binding: string, purpose: 'passkey-sign-in' | 'security-key', account?: Account): Promise<SignedIn> {
    const answer = parseAssertion(form);
    if (!answer.ok) return answer;
    const { credential: response, clientData } = answer;
    const problem = await this.#checkClientData(clientData, 'webauthn.get', binding, purpose);
    if (problem) return { ok: false, problem };

    const { userHandle } = response.response;
    const owner = purpose === 'passkey-sign-in' ? await this.#ownerOf(userHandle) : account;
    const kind: CredentialKind = purpose === 'passkey-sign-in' ? 'passkey' : 'security-key';
    const stored = owner && credentialsOf(owner, kind).find((credential) => credential.id === response.id);
    // A user handle, when the key sends one, must name the user the key is for (WebAuthn §7.2 step 6).
    if (!owner || !stored || (userHandle && subOfUserHandle(userHandle) !== owner.sub)) return { ok: false, problem: 'webauthnUnknownCredential' };

    let newCounter: number;
    try {
      const { verified, authenticationInfo } = await (
        await webauthn()
      ).verifyAuthenticationResponse({
        response: response,
        expectedChallenge: clientData.challenge,
        expectedOrigin: this.origin,
        expectedRPID: this.rpId,
        credential: { id: stored.id, publicKey: new Uint8Array(Buffer.from(stored.publicKey, 'base64url')), counter: stored.counter },
        requireUserVerification: purpose === 'passkey-sign-in',
      });
      if (!verified) return { ok: false, problem: 'webauthnFailed' };
      newCounter = authenticationInfo.newCounter;
    } catch (error) {
      // The library refuses a counter that did not move forward: a cloned key, or an answer replayed.
      return { ok: false, problem: /counter/i.test((error as Error).message) ? 'webauthnReplayed' : 'webauthnFailed' };
    }
    return this.#recordUse(owner.sub, stored.id, newCounter);
  }

  /** Options for `navigator.credentials.create`: a discoverable, user-verifying passkey, or a security key. */
  async registrationOptions(binding: string, account: Account, kind: CredentialKind): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const challenge = await this.challenges.issue(binding, kind === 'passkey' ? 'register-passkey' : 'register-security-key');
    return (await webauthn()).generateRegistrationOptions({
      rpName: RP_NAME,
      rpID: this.rpId,
      userID: userHandleOf(account.sub),
      userName: account.email,
      userDisplayName: [account.givenName, account.familyName].filter(Boolean).join(' ') || account.email,
      challenge: Buffer.from(challenge, 'base64url'),
      timeout: TIMEOUT_MS,
      attestationType: 'none',
      excludeCredentials: credentialsOf(account).map(({ id }) => ({ id })),
      authenticatorSelection: kind === 'passkey' ? { residentKey: 'required', userVerification: 'required' } : { residentKey: 'discouraged', userVerification: 'discouraged', authenticatorAttachment: 'cross-platform' },
    });
  }

  /** Checks an attestation and adds the credential to the account (a credential id belongs to one credential). */
  async register(form: CeremonyAnswer, binding: string, account: Account, kind: CredentialKind, name: string): Promise<Registered> {
    const answer = parseAttestation(form);
    if (!answer.ok) return answer;
    const { credential: response, clientData } = answer;
    const problem = await this.#checkClientData(clientData, 'webauthn.create', binding, kind === 'passkey' ? 'register-passkey' : 'register-security-key');
    if (problem) return { ok: false, problem };
    let credential: StoredCredential;
    try {
      const { verified, registrationInfo } = await (
        await webauthn()
      ).verifyRegistrationResponse({
        response: response,
        expectedChallenge: clientData.challenge,
        expectedOrigin: this.origin,
        expectedRPID: this.rpId,
        requireUserVerification: kind === 'passkey',
      });
      // The id the answer names must be the credential its attestation made: the library keeps the attested one silently.
      if (!verified || !registrationInfo || registrationInfo.credential.id !== response.id) return { ok: false, problem: 'webauthnFailed' };
      const { id, publicKey, counter, transports } = registrationInfo.credential;
      credential = {
        id,
        publicKey: Buffer.from(publicKey).toString('base64url'),
        counter,
        ...(transports && { transports }),
        kind,
        name: name.trim().slice(0, MAX_CREDENTIAL_NAME) || defaultName(kind),
        createdAt: this.clock.nowSeconds(),
      };
    } catch {
      return { ok: false, problem: 'webauthnFailed' };
    }
    let duplicate = false;
    const updated = await this.accounts.update(account.sub, (current) => {
      duplicate = credentialsOf(current).some((existing) => existing.id === credential.id);
      return duplicate ? undefined : { ...current, webauthnCredentials: [...credentialsOf(current), credential] };
    });
    if (duplicate) return { ok: false, problem: 'webauthnAlreadyRegistered' };
    return updated ? { ok: true, account: updated, credential } : { ok: false, problem: 'webauthnFailed' };
  }

  async #checkClientData(clientData: ClientData, type: string, binding: string, purpose: CeremonyPurpose): Promise<WebAuthnProblem | undefined> {
    // Taken first: whatever is wrong with this answer, its challenge is spent.
    if (!(await this.challenges.take(clientData.challenge, binding, purpose))) return 'webauthnReplayed';
    if (clientData.origin !== this.origin) return 'webauthnWrongOrigin';
    if (clientData.type !== type) return 'webauthnFailed';
    return undefined;
  }

  async #ownerOf(userHandle: string | undefined): Promise<Account | undefined> {
    const sub = subOfUserHandle(userHandle);
    return sub ? this.accounts.findBySub(sub) : undefined;
  }

  /** The counter moves forward atomically: of two uses with the same counter only one gets through. */
  async #recordUse(sub: string, id: string, newCounter: number): Promise<SignedIn> {
    let replayed = false;
    let used: StoredCredential | undefined;
    const account = await this.accounts.update(sub, (current) => {
      replayed = false;
      const credentials = credentialsOf(current);
      const stored = credentials.find((credential) => credential.id === id);
      if (!stored) return undefined;
      if ((newCounter !== 0 || stored.counter !== 0) && newCounter <= stored.counter) {
        replayed = true;
        return undefined;
      }
      used = { ...stored, counter: newCounter, lastUsedAt: this.clock.nowSeconds() };
      return { ...current, webauthnCredentials: credentials.map((credential) => (credential.id === id ? used! : credential)) };
    });
    if (replayed) return { ok: false, problem: 'webauthnReplayed' };
    if (!account || !used) return { ok: false, problem: 'webauthnUnknownCredential' };
    return { ok: true, account, credential: used };
  }
}

const defaultName = (kind: CredentialKind): string => (kind === 'passkey' ? 'Passkey' : 'Security key');
