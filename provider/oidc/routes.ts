/** Visma Connect's endpoint paths, relative to the issuer (DESIGN.md section 4, a contract). */
export const OIDC_ROUTES = {
  authorization: '/connect/authorize',
  token: '/connect/token',
  userinfo: '/connect/userinfo',
  end_session: '/connect/endsession',
  revocation: '/connect/revocation',
  introspection: '/connect/introspect',
  jwks: '/.well-known/openid-configuration/jwks',
} as const;

/**
 * Whether a request's path reaches `route` (one of OIDC_ROUTES) at oidc-provider, whose router folds
 * ASCII case and takes one trailing slash: a check of ours at an endpoint is met at `/Connect/Token/` too.
 */
export function atRoute(path: string, route: string): boolean {
  const bare = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return bare.length === route.length && /^[\x20-\x7e]*$/.test(bare) && bare.toLowerCase() === route.toLowerCase();
}

export const interactionPath = (uid: string): string => `/interaction/${uid}`;

/** The resource indicator (and `aud`) of access tokens for the provisioning API. */
export const apiResource = (issuer: string): string => `${issuer}/api`;
/** The one scope of the provisioning API (DESIGN.md section 6). */
export const API_SCOPE = 'connect:users';
export const API_SCOPES = [API_SCOPE];

/**
 * The Visma Connect Public API (DESIGN.md section 6b): its resource indicator, the `aud` of its tokens
 * (an IdentityServer API resource name: the real value is not public) and its `publicapi:*` scopes.
 */
export const publicApiResource = (issuer: string): string => `${issuer}/publicapi`;
export const PUBLIC_API_AUDIENCE = 'publicapi';
/** A client_credentials token is for the Public API when it asks for any `publicapi:*` scope, otherwise for the provisioning API. */
export const asksForPublicApi = (scopes: readonly string[]): boolean => scopes.some((scope) => scope.startsWith('publicapi:'));
export const PUBLIC_API_SCOPES = [
  'publicapi:user:create',
  'publicapi:user:read',
  'publicapi:user:update',
  'publicapi:user:delete',
  'publicapi:user:suspend',
  'publicapi:user:resume',
  'publicapi:user:allowemailchange',
  'publicapi:tenant:create',
  'publicapi:tenant:read',
  'publicapi:tenant:update',
  'publicapi:tenant:delete',
  'publicapi:tenant:user:create',
  'publicapi:tenant:user:read',
  'publicapi:tenant:user:update',
  'publicapi:tenant:user:delete',
  'publicapi:tenant:application:create',
  'publicapi:tenant:application:read',
  'publicapi:tenant:application:update',
  'publicapi:tenant:application:delete',
  'publicapi:tenant:application:features:read',
  'publicapi:tenant:application:features:update',
  'publicapi:application:read',
  'publicapi:application:update',
  'publicapi:application:features:create',
  'publicapi:application:features:read',
  'publicapi:application:features:update',
  'publicapi:application:features:delete',
  'publicapi:tenant:userapplicationroles:read',
  'publicapi:tenant:userapplicationroles:update',
] as const;
