export { WebAuthnCeremonies, userHandleOf, type SignedIn, type Registered } from './ceremonies.js';
export { WebAuthnChallenges, CHALLENGE_SECONDS, type CeremonyPurpose } from './challenges.js';
export { RESPONSE_FIELD, ERROR_FIELD, ceremonyAnswerFields, credentialNameText, type WebAuthnProblem } from './ceremony-answer.js';
export { credentialsOf, hasPasskey, hasSecurityKey, MAX_CREDENTIAL_NAME, type StoredCredential, type CredentialKind, type WithCredentials } from './credential.js';
export { MockAuthenticators, signAssertion, signAttestation, newPrivateKey, cosePublicKey, isP256PrivateKey, type AuthenticatorKey, type AssertionJson } from './mock-authenticator.js';
