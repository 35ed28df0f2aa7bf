import Provider from 'oidc-provider';
import { installBackchannelLogout } from './backchannel-logout.js';
import { oidcConfiguration, type OidcOptions } from './configuration.js';
import type { IssuerKey } from './issuer-key.js';
import { installJwtAccessTokens } from './jwt-access-tokens.js';
import type { SessionManagement } from './session-management.js';

/** The oidc-provider instance (itself the Koa app every other route is mounted on). */
export function createOidcProvider(options: OidcOptions & { issuerKey: IssuerKey; sessions: SessionManagement }): Provider {
  const provider = new Provider(options.issuer, oidcConfiguration(options));
  // Visma Connect puts `sid` in every ID token; oidc-provider does so only for clients registered for
  // back-channel logout with sessions. The interop suite asserts it, so an upgrade that renames this fails loudly.
  Object.defineProperty(provider.Client.prototype, 'includeSid', { value: () => true });
  allowHttpRedirectUrisForImplicit(provider);
  installBackchannelLogout(provider, options.issuerKey);
  installJwtAccessTokens(provider, options.issuerKey);
  options.sessions.install(provider);
  return provider;
}

/**
 * IdentityServer registers plain-HTTP and localhost redirect URIs for apps with hybrid and implicit
 * response types too (a Katana app on http://localhost); oidc-provider refuses them, unless its client
 * schema's `invalidate` lets these two checks pass (the hook it documents for relaxing checks).
 */
function allowHttpRedirectUrisForImplicit(provider: Provider): void {
  const Schema = (provider.Client as unknown as { Schema: { prototype: { invalidate: (this: unknown, message: string, code?: string) => void } } }).Schema;
  const invalidate = Schema.prototype.invalidate;
  Schema.prototype.invalidate = function invalidateUnlessHttpForImplicit(message, code) {
    if (code === 'implicit-force-https' || code === 'implicit-forbid-localhost') return;
    invalidate.call(this, message, code);
  };
}
