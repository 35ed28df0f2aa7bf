import { randomBytes } from 'node:crypto';
import type { ClientMetadata } from 'oidc-provider';
import { internalClient } from '../oidc/index.js';

/**
 * The account settings pages are their own app, as accountsettings.connect.visma.com is: signing in
 * to them goes through the same login pages (and 2FA policy) as any client. Only the session matters,
 * so the code that comes back is not redeemed.
 */
export const ACCOUNT_SETTINGS_CLIENT_ID = 'mvc-account-settings';
export const ACCOUNT_PATH = '/account';
export const ACCOUNT_CALLBACK_PATH = '/account/signed-in';

export function accountSettingsClient(issuer: string): ClientMetadata {
  return internalClient({ client_id: ACCOUNT_SETTINGS_CLIENT_ID, client_name: 'Account Settings', redirect_uris: [`${issuer}${ACCOUNT_CALLBACK_PATH}`] });
}

/** Account Settings' authorization request; `prompt: 'login'` asks for the login page even in a signed-in browser. */
export function signInUrl(issuer: string, uiLocales?: string, prompt?: 'login'): string {
  const query = new URLSearchParams({
    client_id: ACCOUNT_SETTINGS_CLIENT_ID,
    response_type: 'code',
    scope: 'openid',
    redirect_uri: `${issuer}${ACCOUNT_CALLBACK_PATH}`,
    state: randomBytes(8).toString('base64url'),
    ...(uiLocales && { ui_locales: uiLocales }),
    ...(prompt && { prompt }),
  });
  return `${issuer}/connect/authorize?${query}`;
}
