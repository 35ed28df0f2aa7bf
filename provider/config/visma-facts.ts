const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Visma Connect's facts that the emulator plays, with their defaults: every lifetime, limit and
 * format the code relies on, read from here only (as oidc-provider's `ttl` table is for its tokens).
 * Each says where it comes from: DESIGN.md's sections (§4 facts from Visma's documentation, §4b
 * more facts and, under "not found in any public source", this emulator's own choices), or "ours"
 * for an emulator limit Visma does not have. Durations are in seconds.
 */
export interface VismaFacts {
  session: {
    /** Absolute: the session ends this long after sign-in however often it is used. §4, §4b. */
    seconds: number;
  };
  tokens: {
    /** Access tokens (sign-in and client_credentials, `expires_in` 3600). §4. */
    accessTokenSeconds: number;
    idTokenSeconds: number;
    /** oidc-provider's authorization code; Visma does not publish it (IdentityServer's default is 5 min). Ours. */
    authorizationCodeSeconds: number;
    /** A sign-in left half-way (the interaction). Ours. */
    interactionSeconds: number;
    /** Back-channel logout token: exp = iat + this. §4. */
    logoutTokenSeconds: number;
  };
  refreshTokens: {
    /** One-time refresh tokens: a grace period of 5–60 s. §4, §4b. */
    graceSeconds: { default: number; min: number; max: number };
    /** Lifetime in days per app (sliding expiry optional). §4b; the 14-day default is ours. */
    lifetimeDays: { default: number; min: number; max: number };
  };
  password: {
    /** At least this many characters with a digit, an upper-case, a lower-case and a special character. §4. */
    minLength: number;
    /** The Public API's ERROR_PASSWORD_TOO_LONG. §6b. */
    maxLength: number;
    /** The last passwords that cannot be reused. §4. */
    history: number;
    /** 8 failed attempts lock the account for 30 minutes; the count starts over after 10 quiet minutes. §4. */
    lockout: { maxFailures: number; lockSeconds: number; failureWindowSeconds: number };
  };
  twoFactor: {
    /** "Remember this device" for 2FA. §4, §4b. */
    rememberedDeviceSeconds: number;
    /** Wrong codes in a row that lock the second factor, and for how long. Ours (§4b, not public). */
    lockout: { maxFailures: number; lockSeconds: number };
    /** TOTP from any authenticator app: 30 s, 6 digits, SHA-1, one step of tolerance either way. §4. */
    totp: { periodSeconds: number; digits: number; toleranceSteps: number; issuer: string };
    /** One emergency code per account, reissued after use; its format is ours (§4b): groups of four. */
    emergencyCode: { length: number; groupLength: number };
    /** How long a started authenticator set-up (account settings) waits for its confirming code. Ours. */
    setupSeconds: number;
  };
  emailVerification: {
    /** The HRM's verification code: 6 digits, valid 30 minutes. §4 (seed 002), §6. */
    codeDigits: number;
    codeSeconds: number;
    /** An activation/verification link: 24 hours. §4, §4b. */
    linkSeconds: number;
    /** Wrong codes before 429 too_many_attempts. §6. */
    maxWrongCodes: number;
    /** How long a finished or expired verification can still be asked about. Ours. */
    retentionSeconds: number;
    /** Items in one POST /api/v1/email-verifications/batch. Ours. */
    maxBatch: number;
  };
  links: {
    /** Mailed links that act once. Ours (§4b, not public): reset 1 hour, one-time sign-in 15 minutes. */
    passwordResetSeconds: number;
    oneTimeSignInSeconds: number;
  };
  mail: {
    /** Mails come from here. §4. */
    sender: { name: string; address: string };
    /** The embedded catcher keeps at most this many mails and bytes, dropping the oldest; one mail is at most maxMessageBytes. Ours. */
    mailbox: { maxMessages: number; maxBytes: number; maxMessageBytes: number };
  };
}

export const VISMA_FACTS: VismaFacts = deepFreeze({
  session: { seconds: 10 * HOUR },
  tokens: {
    accessTokenSeconds: HOUR,
    idTokenSeconds: HOUR,
    authorizationCodeSeconds: 5 * MINUTE,
    interactionSeconds: HOUR,
    logoutTokenSeconds: 5 * MINUTE,
  },
  refreshTokens: {
    graceSeconds: { default: 5, min: 5, max: 60 },
    lifetimeDays: { default: 14, min: 1, max: 365 },
  },
  password: {
    minLength: 8,
    maxLength: 512,
    history: 5,
    lockout: { maxFailures: 8, lockSeconds: 30 * MINUTE, failureWindowSeconds: 10 * MINUTE },
  },
  twoFactor: {
    rememberedDeviceSeconds: 30 * DAY,
    lockout: { maxFailures: 5, lockSeconds: 5 * MINUTE },
    totp: { periodSeconds: 30, digits: 6, toleranceSteps: 1, issuer: 'Visma Connect' },
    emergencyCode: { length: 16, groupLength: 4 },
    setupSeconds: 30 * MINUTE,
  },
  emailVerification: {
    codeDigits: 6,
    codeSeconds: 30 * MINUTE,
    linkSeconds: DAY,
    maxWrongCodes: 5,
    retentionSeconds: 7 * DAY,
    maxBatch: 100,
  },
  links: { passwordResetSeconds: HOUR, oneTimeSignInSeconds: 15 * MINUTE },
  mail: {
    sender: { name: 'Visma Connect', address: 'do.not.reply@mail.connect.visma.com' },
    mailbox: { maxMessages: 1000, maxBytes: 50 * 1024 * 1024, maxMessageBytes: 10 * 1024 * 1024 },
  },
});

function deepFreeze<T extends object>(value: T): T {
  for (const inner of Object.values(value)) if (typeof inner === 'object' && inner !== null) deepFreeze(inner);
  return Object.freeze(value);
}
