export { WebAuthnCeremonies, type SignedIn, type Registered } from './ceremonies.js';
export { WebAuthnChallenges, type CeremonyPurpose } from './challenges.js';
export { ceremonyAnswerFields, credentialNameText, type WebAuthnProblem } from './ceremony-answer.js';
export { credentialsOf, hasPasskey, hasSecurityKey, type StoredCredential, type CredentialKind, type WithCredentials } from './credential.js';
export { MockAuthenticators, signAssertion, signAttestation, newPrivateKey, cosePublicKey, type AuthenticatorKey, type AssertionJson } from './mock-authenticator.js';
