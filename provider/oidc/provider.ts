import Provider from 'oidc-provider';
import { installBackchannelLogout } from './backchannel-logout.js';
import { oidcConfiguration, type OidcOptions } from './configuration.js';

/** The oidc-provider instance (itself the Koa app every other route is mounted on). */
export function createOidcProvider(options: OidcOptions): Provider {
  const provider = new Provider(options.issuer, oidcConfiguration(options));
  // Visma Connect puts `sid` in every ID token; oidc-provider does so only for clients registered for
  // back-channel logout with sessions. The interop suite asserts it, so an upgrade that renames this fails loudly.
  Object.defineProperty(provider.Client.prototype, 'includeSid', { value: () => true });
  installBackchannelLogout(provider, options.keys[0]!);
  return provider;
}
