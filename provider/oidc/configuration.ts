import type { AccessToken, AsymmetricSigningAlgorithm, Client, ClientCredentials, Configuration, FindAccount, JWK, KoaContextWithOIDC, RefreshToken } from 'oidc-provider';
import { errors } from 'oidc-provider';
import { VISMA_FACTS } from '../config/index.js';
import type { Directory } from '../directory/index.js';
import type { AcrSettings } from '../fixtures/index.js';
import { EXTRA_CLIENT_METADATA } from '../fixtures/index.js';
import { createExtraTokenClaims } from './access-token-claims.js';
import { CookieKeys } from './cookie-keys.js';
import { CLAIMS_BY_SCOPE } from './claims.js';
import { loadOrCreateGrant } from './grants.js';
import { refuseUnknownScopes, UNKNOWN_SCOPE_HOOK } from './identity-server-errors.js';
import { createInteractionPolicy, type LoginChecks } from './interaction-policy.js';
import { OFFLINE_ACCESS_HOOK, restoreOfflineAccess } from './offline-access.js';
import { logoutSource, postLogoutSuccessSource, renderError } from './pages.js';
import { grantTtl, refreshTokenTtl, rotateRefreshToken } from './refresh-tokens.js';
import type { RequestAccounts } from './request-accounts.js';
import { realTime } from '../time/index.js';
import type { ServiceTokenTimes } from './service-token-times.js';
import { API_SCOPES, apiResource, asksForPublicApi, interactionPath, OIDC_ROUTES, PUBLIC_API_AUDIENCE, PUBLIC_API_SCOPES, publicApiResource } from './routes.js';
import { spaceSeparated } from './space-separated.js';

export interface OidcOptions {
  issuer: string;
  keys: JWK[];
  cookieKeys: string[];
  adapter: NonNullable<Configuration['adapter']>;
  findAccount: FindAccount;
  accounts: RequestAccounts;
  directory: Directory;
  loginChecks: LoginChecks;
  /** The fixtures' acr settings at start-up: what discovery lists as acr_values_supported. */
  acr: AcrSettings;
  serviceTokens: ServiceTokenTimes;
}

const TTL = VISMA_FACTS.tokens;
const SESSION_SECONDS = VISMA_FACTS.session.seconds;
const SCOPES = ['openid', 'offline_access', 'profile', 'email', 'tenants', 'roles', ...API_SCOPES, ...PUBLIC_API_SCOPES];
/** Every scope the server knows: requests with others are refused (identity-server-errors.ts). */
export const KNOWN_SCOPES: ReadonlySet<string> = new Set(SCOPES);
/** Visma Connect's algorithms for request objects and DPoP proofs (its discovery document). */
const ASYMMETRIC_ALGS: AsymmetricSigningAlgorithm[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];

/**
 * RFC 7662: a token's own client may introspect it, and so may a resource server (a fixture client
 * with `resourceServer: true`), for access tokens only: refresh tokens never go to a resource server.
 * Anyone else gets `{active: false}`, as for a token that does not exist.
 */
async function mayIntrospect(_ctx: KoaContextWithOIDC, client: Client, token: AccessToken | ClientCredentials | RefreshToken): Promise<boolean> {
  if (token.clientId === client.clientId) return true;
  return client['resourceServer'] === true && token.kind !== 'RefreshToken';
}

/** oidc-provider 9 configured as Visma Connect behaves (DESIGN.md section 4). */
export function oidcConfiguration(options: OidcOptions): Configuration {
  const api = apiResource(options.issuer);
  const publicApi = publicApiResource(options.issuer);
  return {
    adapter: options.adapter,
    findAccount: options.findAccount,
    jwks: { keys: options.keys },
    cookies: { keys: new CookieKeys(options.cookieKeys) },
    routes: OIDC_ROUTES,
    claims: CLAIMS_BY_SCOPE,
    scopes: SCOPES,
    acrValues: [...new Set([options.acr.password, options.acr.twoFactor, ...options.acr.stepUp, ...options.acr.reauthenticate])],
    // Scope claims go into the ID token; findAccount keeps the core identity claims out of it for
    // clients without includeCoreIdentityClaims.
    conformIdTokenClaims: false,
    extraClientMetadata: { properties: [...EXTRA_CLIENT_METADATA] },
    enabledJWA: { idTokenSigningAlgValues: ['RS256'], requestObjectSigningAlgValues: ASYMMETRIC_ALGS, dPoPSigningAlgValues: ASYMMETRIC_ALGS },
    // Visma Connect's list but `token` alone (plain OAuth implicit), which oidc-provider does not offer.
    responseTypes: ['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    clientBasedCORS: () => true,
    interactions: { policy: createInteractionPolicy(options.loginChecks), url: (_ctx, interaction) => interactionPath(interaction.uid) },
    loadExistingGrant: loadOrCreateGrant,
    extraParams: { [OFFLINE_ACCESS_HOOK]: restoreOfflineAccess, [UNKNOWN_SCOPE_HOOK]: refuseUnknownScopes(KNOWN_SCOPES) },
    renderError,
    features: {
      devInteractions: { enabled: false },
      claimsParameter: { enabled: true },
      clientCredentials: { enabled: true },
      introspection: { enabled: true, allowedPolicy: mayIntrospect },
      // oidc-provider's own allowedPolicy lets a client revoke only its own tokens: another client's
      // gets invalid_request (a public client's request is ignored), as RFC 7009 section 2.1 says.
      revocation: { enabled: true },
      backchannelLogout: { enabled: true },
      pushedAuthorizationRequests: { enabled: false },
      requestObjects: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
      resourceIndicators: {
        enabled: true,
        // client_credentials always gets a token for an API: the Public API when it asks for publicapi:*
        // scopes, otherwise the provisioning API. Sign-in gets oidc-provider's opaque access token for
        // userinfo, which the client receives as a JWT (jwt-access-tokens.ts).
        defaultResource: async (ctx: KoaContextWithOIDC, _client, oneOf) => {
          if (oneOf || ctx.oidc.params?.['grant_type'] !== 'client_credentials') return oneOf;
          return asksForPublicApi(spaceSeparated(ctx.oidc.params['scope'])) ? publicApi : api;
        },
        getResourceServerInfo: async (_ctx, resource) => {
          const jwt = { accessTokenFormat: 'jwt', accessTokenTTL: TTL.accessTokenSeconds, jwt: { sign: { alg: 'RS256' } } } as const;
          if (resource === api) return { scope: API_SCOPES.join(' '), audience: api, ...jwt };
          if (resource === publicApi) return { scope: PUBLIC_API_SCOPES.join(' '), audience: PUBLIC_API_AUDIENCE, ...jwt };
          throw new errors.InvalidTarget(`unknown resource; the resources are ${api} and ${publicApi}`);
        },
        useGrantedResource: async () => false,
      },
    },
    formats: {
      customizers: {
        // Service tokens have no subject (oidc-provider would put the client_id there).
        async jwt(_ctx, token, jwt) {
          if (token.kind !== 'ClientCredentials') return;
          delete jwt.payload['sub'];
          const { jti, iat, exp } = jwt.payload as { jti?: string; iat: number; exp: number };
          await options.serviceTokens.issued(jti, exp - iat);
        },
      },
    },
    extraTokenClaims: createExtraTokenClaims({ accounts: options.accounts, directory: options.directory, knownScopes: KNOWN_SCOPES }),
    rotateRefreshToken,
    ttl: {
      AccessToken: TTL.accessTokenSeconds,
      ClientCredentials: TTL.accessTokenSeconds,
      AuthorizationCode: TTL.authorizationCodeSeconds,
      Interaction: TTL.interactionSeconds,
      Grant: grantTtl,
      RefreshToken: refreshTokenTtl,
      IdToken: TTL.idTokenSeconds,
      // Ten hours from sign-in, however often the session is used. oidc-provider's frame: real time,
      // with loginTs as the oidc adapter hands it back (earlier by every move of the emulator clock).
      Session: (_ctx, session) => {
        const loginTs = (session as { loginTs?: number }).loginTs;
        if (loginTs === undefined) return SESSION_SECONDS;
        return Math.max(1, loginTs + SESSION_SECONDS - realTime.nowSeconds());
      },
    },
  };
}
