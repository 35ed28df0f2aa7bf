export type { Account } from './account.js';
export { displayName } from './account.js';
export { AccountRepository } from './account-repository.js';
export { hashPassword, verifyPassword } from './password-hash.js';
export { newTotpSecret, otpauthUri, currentTotp, matchTotp, TOTP_ISSUER } from './totp.js';
export { newEmergencyCode, hashEmergencyCode, looksLikeEmergencyCode } from './emergency-code.js';
export { TwoFactorAttempts, MAX_WRONG_CODES, LOCK_SECONDS } from './two-factor-attempts.js';
