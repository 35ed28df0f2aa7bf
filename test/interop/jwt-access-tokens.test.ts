import { calculateJwkThumbprint, createRemoteJWKSet, decodeJwt, exportJWK, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { buildLogin, callbackRequest, completeLogin, discover, signInThroughPages } from '../support/relying-party.js';
import { UserAgent } from '../support/user-agent.js';

const MAIN_TENANT = '3f6a1c2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
const SECOND_TENANT = '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b';
const CALLBACK = 'http://localhost:3000/signin-oidc';

const fixtures = {
  tenants: [
    { id: MAIN_TENANT, name: 'Lönebolaget AB', applications: ['hrm', 'other'] },
    { id: SECOND_TENANT, name: 'Dotterbolaget AB', applications: ['hrm'] },
  ],
  clients: [
    { clientId: 'hrm', clientSecret: 'hrm-secret', redirectUris: [CALLBACK], scopes: ['openid', 'profile', 'email', 'offline_access', 'tenants', 'roles'], roles: ['payroll-admin', 'employee', 'auditor'] },
    { clientId: 'other', clientSecret: 'other-secret', redirectUris: ['http://localhost:3009/cb'], scopes: ['openid', 'profile', 'tenants', 'roles'] },
  ],
  users: [
    {
      email: 'lena.ek@lonebolaget.se',
      password: 'Vinter2025!q',
      givenName: 'Lena',
      familyName: 'Ek',
      tenants: [MAIN_TENANT, SECOND_TENANT],
      // The roles claim is the user's roles for the client in the token's tenant (tenant_id), not in the others.
      applicationRoles: [
        { tenant: MAIN_TENANT, application: 'hrm', roles: ['payroll-admin', 'employee'] },
        { tenant: SECOND_TENANT, application: 'hrm', roles: ['auditor'] },
      ],
    },
    { email: 'per.al@lonebolaget.se', password: 'Vinter2025!q' },
  ],
};

describe('access tokens from sign-in are JWTs, as Visma Connect issues them', () => {
  let emulator: RunningEmulator;
  let hrm: oidc.Configuration;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
    hrm = await discover(emulator.issuer, 'hrm', 'hrm-secret');
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  async function signIn(options: { config?: oidc.Configuration; redirectUri?: string; scope?: string; email?: string; dpop?: oidc.DPoPHandle } = {}) {
    const { config = hrm, redirectUri = CALLBACK, scope = 'openid profile offline_access tenants roles', email = 'lena.ek@lonebolaget.se' } = options;
    const login = await buildLogin(config, { redirectUri, scope });
    const answer = await signInThroughPages(new UserAgent(), login.url, email, 'Vinter2025!q', redirectUri);
    if (!options.dpop) return completeLogin(config, login, callbackRequest(answer, redirectUri));
    return oidc.authorizationCodeGrant(config, callbackRequest(answer, redirectUri), { pkceCodeVerifier: login.verifier, expectedNonce: login.nonce, expectedState: login.state }, undefined, { DPoP: options.dpop });
  }

  it("signs them RS256 as at+jwt with the user, the client, the scopes, the sign-in's auth_time, idp, acr and amr, the tenants and the roles", async () => {
    const tokens = await signIn();
    const idToken = tokens.claims()!;
    const jwks = createRemoteJWKSet(new URL(hrm.serverMetadata().jwks_uri!));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, { issuer: emulator.issuer, audience: `${emulator.issuer}/resources`, typ: 'at+jwt' });

    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'at+jwt', kid: expect.any(String) });
    expect((payload['scope'] as string[]).toSorted()).toEqual(['offline_access', 'openid', 'profile', 'roles', 'tenants']);
    expect(payload).toMatchObject({
      sub: idToken.sub,
      client_id: 'hrm',
      auth_time: idToken.auth_time,
      idp: 'Visma Connect',
      acr: '2',
      amr: ['pwd'],
      tenant_id: MAIN_TENANT,
      tenants: [MAIN_TENANT, SECOND_TENANT],
      roles: ['payroll-admin', 'employee'],
      jti: expect.any(String),
    });
    expect(payload.nbf).toBe(payload.iat);
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(tokens.expires_in).toBe(3600);
  });

  it('leaves the tenant and role claims out without those scopes, and for a user with no tenants or roles for the client', async () => {
    const withoutScopes = decodeJwt((await signIn({ scope: 'openid profile' })).access_token);
    expect(withoutScopes).not.toHaveProperty('tenant_id');
    expect(withoutScopes).not.toHaveProperty('tenants');
    expect(withoutScopes).not.toHaveProperty('roles');

    const plainUser = decodeJwt((await signIn({ email: 'per.al@lonebolaget.se' })).access_token);
    expect(plainUser['scope']).toEqual(expect.arrayContaining(['tenants', 'roles']));
    expect(plainUser).not.toHaveProperty('tenants');
    expect(plainUser).not.toHaveProperty('roles');

    const other = await discover(emulator.issuer, 'other', 'other-secret');
    const otherApp = decodeJwt((await signIn({ config: other, redirectUri: 'http://localhost:3009/cb', scope: 'openid roles' })).access_token);
    expect(otherApp).not.toHaveProperty('roles');
  });

  it('answers userinfo for the JWT, with the tenants and roles, which the ID token does not carry', async () => {
    const tokens = await signIn();
    const claims = tokens.claims()!;
    expect(claims).not.toHaveProperty('tenants');
    expect(claims).not.toHaveProperty('roles');
    const userinfo = await oidc.fetchUserInfo(hrm, tokens.access_token, claims.sub);
    expect(userinfo).toMatchObject({ sub: claims.sub, name: 'Lena Ek', tenant_id: MAIN_TENANT, tenants: [MAIN_TENANT, SECOND_TENANT], roles: ['payroll-admin', 'employee'] });
  });

  it('introspects the JWT as active with its claims, and as inactive once revoked, when userinfo refuses it too', async () => {
    const tokens = await signIn();
    const sub = tokens.claims()!.sub;
    await expect(oidc.tokenIntrospection(hrm, tokens.access_token)).resolves.toMatchObject({
      active: true,
      client_id: 'hrm',
      sub,
      token_type: 'Bearer',
      idp: 'Visma Connect',
      acr: '2',
      amr: ['pwd'],
      tenant_id: MAIN_TENANT,
      aud: `${emulator.issuer}/resources`,
      nbf: decodeJwt(tokens.access_token).nbf,
      jti: decodeJwt(tokens.access_token).jti,
    });

    // The same at the path as oidc-provider also takes it (any case, a trailing slash).
    const introspected = await fetch(`${emulator.issuer}/Connect/Introspect/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('hrm:hrm-secret').toString('base64')}` },
      body: new URLSearchParams({ token: tokens.access_token }),
    });
    expect(await introspected.json()).toMatchObject({ active: true, sub, jti: decodeJwt(tokens.access_token).jti });

    await oidc.tokenRevocation(hrm, tokens.access_token);
    await expect(oidc.tokenIntrospection(hrm, tokens.access_token)).resolves.toEqual({ active: false });
    await expect(oidc.fetchUserInfo(hrm, tokens.access_token, sub)).rejects.toMatchObject({ status: 401 });
  });

  it('refuses a JWT whose signature does not verify at userinfo and introspection', async () => {
    const tokens = await signIn();
    const [header, payload] = tokens.access_token.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(342)}`;
    await expect(oidc.fetchUserInfo(hrm, forged, tokens.claims()!.sub)).rejects.toMatchObject({ status: 401 });
    await expect(oidc.tokenIntrospection(hrm, forged)).resolves.toEqual({ active: false });
  });

  it('takes the JWT only, never its jti alone, which anyone who decoded the token has read', async () => {
    const tokens = await signIn();
    const { jti } = decodeJwt(tokens.access_token);
    const userinfo = await fetch(`${emulator.url}/connect/userinfo`, { headers: { authorization: `Bearer ${String(jti)}` } });
    expect(userinfo.status).toBe(401);
    await expect(oidc.tokenIntrospection(hrm, String(jti))).resolves.toEqual({ active: false });
    await oidc.tokenRevocation(hrm, String(jti));
    await expect(oidc.tokenIntrospection(hrm, tokens.access_token)).resolves.toMatchObject({ active: true });
  });

  it('introspects any other JWT as inactive and revokes it as a no-op, rather than refusing the request (RFC 7662 2.2, RFC 7009 2.2)', async () => {
    const tokens = await signIn();
    const [header, payload, signature] = tokens.access_token.split('.');
    const edited = Buffer.from(JSON.stringify({ ...decodeJwt(tokens.access_token), scope: ['openid', 'admin'] })).toString('base64url');
    const foreign = `${Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url')}.${payload}.${signature}`;
    for (const token of [tokens.id_token!, `${header}.${edited}.${signature}`, foreign]) {
      await expect(oidc.tokenIntrospection(hrm, token)).resolves.toEqual({ active: false });
      await expect(oidc.tokenRevocation(hrm, token)).resolves.toBeUndefined();
    }
    await expect(oidc.tokenIntrospection(hrm, tokens.access_token)).resolves.toMatchObject({ active: true });
  });

  it('carries the same sign-in claims in the access token a refresh issues', async () => {
    const tokens = await signIn();
    const refreshed = await oidc.refreshTokenGrant(hrm, tokens.refresh_token!);
    const first = decodeJwt(tokens.access_token);
    expect(decodeJwt(refreshed.access_token)).toMatchObject({ sub: first.sub, auth_time: first['auth_time'], acr: '2', amr: ['pwd'], tenants: [MAIN_TENANT, SECOND_TENANT] });
    await expect(oidc.fetchUserInfo(hrm, refreshed.access_token, first.sub!)).resolves.toMatchObject({ sub: first.sub });
  });

  it('binds the JWT to a DPoP key when the client proves one (cnf.jkt), and userinfo takes it with a proof', async () => {
    const keyPair = await oidc.randomDPoPKeyPair('ES256');
    const dpop = oidc.getDPoPHandle(hrm, keyPair);
    const tokens = await signIn({ dpop });
    expect(tokens.token_type).toBe('dpop');
    expect(decodeJwt(tokens.access_token)['cnf']).toEqual({ jkt: await calculateJwkThumbprint(await exportJWK(keyPair.publicKey)) });
    await expect(oidc.fetchUserInfo(hrm, tokens.access_token, tokens.claims()!.sub, { DPoP: dpop })).resolves.toMatchObject({ sub: tokens.claims()!.sub });
  });
});
