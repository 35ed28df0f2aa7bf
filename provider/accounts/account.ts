import type { WithCredentials } from '../webauthn/credential.js';

/** A Visma Connect account as the emulator stores it. `sub` is an immutable UUID. */
export interface Account extends WithCredentials {
  sub: string;
  /** Canonical (canonicalEmail): every way an address comes in is made so first. */
  email: string;
  emailVerified: boolean;
  passwordHash: string | undefined;
  givenName: string;
  familyName: string;
  locale: string;
  tenants: string[];
  totpSecret: string | undefined;
  /** SHA-256 of the one emergency code (normalised), if the user has one. */
  emergencyCodeHash: string | undefined;
  /** Epoch seconds of the last successful sign-in (the `llt` claim). */
  lastLoginAt: number | undefined;
  /** Hashes of the previous passwords, newest first (with the current one, the last five). */
  passwordHistory: string[];
  /** The applications (clients) this account is linked to, per tenant: Flex HRM's "Koppling till Visma Connect". */
  applications: LinkedApplication[];

  // Kept by the Public API (DESIGN.md section 6b). Optional: accounts stored before it read as the defaults.
  /** A suspended account cannot sign in (false when absent). */
  suspended?: boolean;
  /** ISO 3166-1 alpha-2, upper case. */
  countryCode?: string;
  /** The user may change their own e-mail address (false when absent). */
  emailChangeAllowed?: boolean;
  twoStepEnforced?: boolean;
  unverifiedPhoneNumber?: string;
  /** The user's roles in an application on a tenant. */
  applicationRoles?: ApplicationRoles[];
  /** Successful sign-ins (0 when absent). */
  loginCount?: number;
  /** Epoch seconds. */
  createdAt?: number;
  updatedAt?: number;
  /** The user answered "Not now" to the offer of a passkey after a password sign-in: it is not made again. */
  passkeyOfferDeclined?: boolean;
}

export interface ApplicationRoles {
  tenantId: string;
  clientId: string;
  roles: string[];
}

export interface LinkedApplication {
  clientId: string;
  tenantId: string | undefined;
  linkedAt: number;
}

export const displayName = (account: Account): string => [account.givenName, account.familyName].filter(Boolean).join(' ') || account.email;
