import { randomBytes } from 'node:crypto';
import type { ClientMetadata } from 'oidc-provider';

/** What an internal client states; the rest is what every internal client shares. */
export type InternalClientMetadata = Pick<ClientMetadata, 'client_id' | 'client_name' | 'redirect_uris'> & Partial<ClientMetadata>;

/**
 * The emulator's own apps (Account Settings, the sign-in debugger) are registered clients like any
 * other, so signing in to them goes through the same pages and 2FA policy. Their secret is made
 * when the store is seeded and read back from it by whoever redeems their codes.
 */
export function internalClient(metadata: InternalClientMetadata): ClientMetadata {
  return {
    client_secret: randomBytes(24).toString('base64url'),
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    scope: 'openid',
    twoFactor: 'default',
    includeCoreIdentityClaims: false,
    refreshTokens: 'one-time',
    resourceServer: false,
    ...metadata,
  };
}
