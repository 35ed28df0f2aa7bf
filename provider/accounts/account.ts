/** A Visma Connect account as the emulator stores it. `sub` is an immutable UUID. */
export interface Account {
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
}

export interface LinkedApplication {
  clientId: string;
  tenantId: string | undefined;
  linkedAt: number;
}

export const displayName = (account: Account): string =>
  [account.givenName, account.familyName].filter(Boolean).join(' ') || account.email;
