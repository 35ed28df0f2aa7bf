/**
 * The Public API's one place for e-mail normalisation: every address it is given passes through here
 * before it is looked up or stored (lookups are case-insensitive in the AccountRepository).
 */
export const normaliseEmail = (email: string): string => email.trim();

export const domainOf = (email: string): string => email.slice(email.lastIndexOf('@') + 1).toLowerCase();
