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

export const interactionPath = (uid: string): string => `/interaction/${uid}`;

/** The resource indicator (and `aud`) of access tokens for the provisioning API. */
export const apiResource = (issuer: string): string => `${issuer}/api`;
export const API_SCOPES = ['connect:users'];
