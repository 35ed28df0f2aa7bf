import type { ClientMetadata } from 'oidc-provider';
import { internalClient } from '../oidc/index.js';

export const DEBUGGER_CLIENT_ID = 'mvc-sign-in-debugger';
export const DEBUGGER_PATH = '/_mock/debugger';
export const DEBUGGER_CALLBACK_PATH = `${DEBUGGER_PATH}/callback`;
export const DEBUGGER_SIGNED_OUT_PATH = `${DEBUGGER_PATH}/signed-out`;

/**
 * The sign-in debugger's own registration: the client it signs in as when no fixture client is
 * picked. With every scope a sign-in may ask for, refresh tokens and core identity claims, so it
 * shows everything a token can carry.
 */
export function debuggerClient(issuer: string): ClientMetadata {
  return internalClient({
    client_id: DEBUGGER_CLIENT_ID,
    client_name: 'Sign-in debugger',
    redirect_uris: [`${issuer}${DEBUGGER_CALLBACK_PATH}`],
    post_logout_redirect_uris: [`${issuer}${DEBUGGER_SIGNED_OUT_PATH}`],
    grant_types: ['authorization_code', 'refresh_token'],
    scope: 'openid profile email offline_access tenants roles',
    includeCoreIdentityClaims: true,
    refreshTokenGraceSeconds: 5,
    refreshTokenLifetimeDays: 14,
  });
}
