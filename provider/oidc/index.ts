export { createOidcProvider } from './provider.js';
export type { OidcOptions } from './configuration.js';
export { loadSigningKeys, SigningKeysError, DEV_SIGNING_KEYS_PATH } from './signing-keys.js';
export { createFindAccount, IDP } from './claims.js';
export { REASONS, TWO_FACTOR_PROMPT, type LoginChecks } from './interaction-policy.js';
export { OIDC_ROUTES, interactionPath, apiResource, publicApiResource, PUBLIC_API_AUDIENCE, PUBLIC_API_SCOPES } from './routes.js';
export { validateClients } from './validate-clients.js';
