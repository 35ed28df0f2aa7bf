export type { Account } from './account.js';
export { displayName } from './account.js';
export { AccountRepository } from './account-repository.js';
export { hashPassword, verifyPassword } from './password-hash.js';
