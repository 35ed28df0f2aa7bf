import type { AcrSettings } from '../fixtures/index.js';

/** Which document a claim was found in: its meaning can differ (`aud`, the profile claims). */
export type ClaimSource = 'id_token' | 'access_token' | 'userinfo';

export interface MeaningContext {
  source: ClaimSource;
  acr: AcrSettings;
  /** The nonce the debugger sent: the ID token's must be the same. */
  nonce: string;
  clientId: string;
}

/** What each `amr` value says about how the user signed in (Visma Connect's list; this emulator issues pwd, email, otp and mfa). */
const METHODS: Record<string, string> = {
  pwd: 'a password',
  email: 'a one-time sign-in link from an e-mail (instead of the password)',
  otp: 'a one-time code: the 6-digit code of an authenticator app (TOTP) or the emergency code',
  mfa: 'more than one factor: the sign-in had a second factor',
  pwdless: 'a passwordless sign-in',
  hwk: 'a hardware key: a security key or passkey',
  sms: 'a code sent by SMS',
  push: 'a push approval in Visma Authenticator',
  face_fpt: 'face or fingerprint recognition',
};

const PROFILE_CLAIMS = new Set(['email', 'email_verified', 'name', 'given_name', 'family_name', 'locale']);

const time = (value: unknown) => (typeof value === 'number' ? `${new Date(value * 1000).toISOString()} (emulator clock)` : String(value));

/** The claim in plain words, as this emulator means it (DESIGN.md §4 and §4b, the README's "Tokens and claims"). */
export function meaningOf(claim: string, value: unknown, context: MeaningContext): string {
  const { source, acr } = context;
  switch (claim) {
    case 'iss':
      return 'The issuer: who made the token (this emulator; at Visma Connect https://connect.visma.com).';
    case 'sub':
      return "The user's immutable id (a UUID), the same for every client: the key an app stores for the user.";
    case 'aud':
      if (source === 'access_token') return 'The audience: the resource the access token is for (<issuer>/resources for userinfo; the APIs have their own).';
      return `The audience: the client the ID token is for (${context.clientId}); a client must refuse an ID token for another.`;
    case 'azp':
      return 'Authorized party: the client that asked for the token.';
    case 'exp':
      return `Expires at ${time(value)}.`;
    case 'iat':
      return `Issued at ${time(value)}.`;
    case 'nbf':
      return `Not valid before ${time(value)}.`;
    case 'auth_time':
      return `When the user last authenticated in this session (password or link, and the second factor): ${time(value)}. max_age is counted from it.`;
    case 'llt':
      return `Last login time (Visma Connect's own claim): the user's latest password sign-in, ${time(value)}.`;
    case 'idp':
      return 'The identity provider that authenticated the user: "Visma Connect" for its own accounts (an external SSO would name itself).';
    case 'acr':
      return acrMeaning(String(value), acr);
    case 'amr':
      return amrMeaning(value);
    case 'sid':
      return 'The session at Visma Connect, as this client knows it: back-channel and front-channel logout name the session by it.';
    case 'nonce':
      return value === context.nonce
        ? 'The nonce the debugger sent in the authorization request, returned unchanged: this ID token answers this sign-in (no replay).'
        : `NOT the nonce the debugger sent (${context.nonce}): a client must refuse this ID token.`;
    case 'at_hash':
      return 'Half of the SHA-256 of the access token that came with it: ties the two together.';
    case 'c_hash':
      return 'Half of the SHA-256 of the authorization code: ties the code to this ID token.';
    case 's_hash':
      return 'Half of the SHA-256 of the state.';
    case 'jti':
      return "The token's own id: introspection and revocation find the token by it.";
    case 'client_id':
      return 'The client the token was issued to.';
    case 'scope':
      return 'The scopes granted, as a list (as IdentityServer writes them): what the token may be used for.';
    case 'tenant_id':
      return "The user's current tenant (the first of their tenants; Visma Connect asks a user with several which one). Comes with the tenants scope.";
    case 'tenants':
      return 'Every tenant (organisation) the user belongs to. Comes with the tenants scope; never in the ID token.';
    case 'roles':
      return "The user's roles in this client for the current tenant. Comes with the roles scope; never in the ID token.";
    case 'cnf':
      return 'Confirmation: the token is bound to a DPoP key (jkt is its thumbprint).';
    case 'typ':
      return 'The token type.';
    default:
      if (PROFILE_CLAIMS.has(claim)) return profileMeaning(claim, source);
      return 'Not a claim this emulator issues.';
  }
}

function acrMeaning(value: string, acr: AcrSettings): string {
  if (value === acr.twoFactor)
    return `Authentication context class "${value}": two factors. The user gave the password (or used a one-time link) and a second factor (an authenticator code or the emergency code). Apps that need 2FA check for this value (or ask with acr_values=${acr.stepUp[0] ?? value}).`;
  if (value === acr.password) return `Authentication context class "${value}": one factor, the password (or a one-time link) only; no second factor in this sign-in.`;
  return `Authentication context class "${value}": not a level this emulator issues (it issues "${acr.password}" and "${acr.twoFactor}").`;
}

function amrMeaning(value: unknown): string {
  const methods = Array.isArray(value) ? value.map(String) : [String(value)];
  return `Authentication methods used: ${methods.map((method) => `${method} = ${METHODS[method] ?? 'a method this emulator does not know'}`).join('; ')}.`;
}

function profileMeaning(claim: string, source: ClaimSource): string {
  const what: Record<string, string> = {
    email: "The user's e-mail address.",
    email_verified: 'Whether the e-mail address is verified.',
    name: "The user's full name.",
    given_name: "The user's given (first) name.",
    family_name: "The user's family (last) name.",
    locale: "The user's language and region.",
  };
  const where = source === 'id_token' ? ' In the ID token because the client has includeCoreIdentityClaims on.' : source === 'userinfo' ? ' Userinfo returns it for the profile or email scope, whatever includeCoreIdentityClaims says.' : '';
  return `${what[claim]}${where}`;
}
