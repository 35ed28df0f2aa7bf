import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { buildLogin, callbackRequest, completeLogin, discover, signInThroughPages } from '../support/relying-party.js';
import { UserAgent } from '../support/user-agent.js';

const TENANT = '7d8f6a52-3c1e-4b9a-8f0d-2e5c6b7a8d91';
const HRM_CALLBACK = 'http://localhost:3000/signin-oidc';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const fixtures = {
  tenants: [{ id: TENANT, name: 'Testbolaget AB', verifiedDomains: ['testbolaget.se'] }],
  clients: [
    {
      clientId: 'hrm',
      clientSecret: 'hrm-secret',
      redirectUris: [HRM_CALLBACK],
      postLogoutRedirectUris: ['http://localhost:3000/'],
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      includeCoreIdentityClaims: true,
      refreshTokens: 'one-time',
    },
    {
      clientId: 'lean-app',
      clientSecret: 'lean-secret',
      redirectUris: ['http://localhost:3005/cb'],
      scopes: ['openid', 'profile', 'offline_access'],
      includeCoreIdentityClaims: false,
      refreshTokens: 'reuse',
    },
  ],
  users: [{ email: 'Karin.Berg@testbolaget.se', password: 'Vinter2025!q', givenName: 'Karin', familyName: 'Berg', locale: 'sv-SE', tenants: [TENANT] }],
};

describe('authorization code flow through the login pages, with openid-client as the relying party', () => {
  let emulator: RunningEmulator;
  let hrm: oidc.Configuration;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
    hrm = await discover(emulator.issuer, 'hrm', 'hrm-secret');
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  async function signIn(config = hrm, redirectUri = HRM_CALLBACK, extra?: Record<string, string>) {
    const login = await buildLogin(config, { redirectUri, ...(extra && { extra }) });
    const agent = new UserAgent();
    const answer = await signInThroughPages(agent, login.url, 'karin.berg@testbolaget.se', 'Vinter2025!q', redirectUri);
    const tokens = await completeLogin(config, login, callbackRequest(answer, redirectUri));
    return { tokens, agent, login };
  }

  it('serves a discovery document with Visma Connect paths, RS256 only, and the iss response parameter', () => {
    const metadata = hrm.serverMetadata();
    const base = emulator.issuer;
    expect(metadata.issuer).toBe(base);
    expect(metadata.authorization_endpoint).toBe(`${base}/connect/authorize`);
    expect(metadata.token_endpoint).toBe(`${base}/connect/token`);
    expect(metadata.userinfo_endpoint).toBe(`${base}/connect/userinfo`);
    expect(metadata.end_session_endpoint).toBe(`${base}/connect/endsession`);
    expect(metadata.revocation_endpoint).toBe(`${base}/connect/revocation`);
    expect(metadata.introspection_endpoint).toBe(`${base}/connect/introspect`);
    expect(metadata.jwks_uri).toBe(`${base}/.well-known/openid-configuration/jwks`);
    expect(metadata.id_token_signing_alg_values_supported).toEqual(['RS256']);
    expect(metadata.response_modes_supported).toEqual(expect.arrayContaining(['query', 'fragment', 'form_post']));
    expect(metadata.code_challenge_methods_supported).toContain('S256');
    // As Visma Connect lists them; public clients authenticate with `none` all the same (see discovery.test.ts).
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post']);
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
  });

  it('signs in with code, S256 PKCE and form_post, and the ID token verifies against the JWKS', async () => {
    const { tokens } = await signIn();
    const jwks = createRemoteJWKSet(new URL(hrm.serverMetadata().jwks_uri!));
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token!, jwks, { issuer: emulator.issuer, audience: 'hrm' });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.sub).toMatch(UUID);
    expect(payload).toMatchObject({
      idp: 'Visma Connect',
      acr: '2',
      amr: ['pwd'],
      email: 'Karin.Berg@testbolaget.se',
      email_verified: true,
      name: 'Karin Berg',
      given_name: 'Karin',
      family_name: 'Berg',
      locale: 'sv-SE',
    });
    expect(payload.sid).toEqual(expect.any(String));
    expect(payload.auth_time).toEqual(expect.any(Number));
    expect(payload.llt).toBe(payload.auth_time);
    expect(tokens.refresh_token).toEqual(expect.any(String));
  });

  it('keeps the core identity claims out of the ID token when the client does not include them, but userinfo has them', async () => {
    const lean = await discover(emulator.issuer, 'lean-app', 'lean-secret');
    const { tokens } = await signIn(lean, 'http://localhost:3005/cb');
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ idp: 'Visma Connect', acr: '2', amr: ['pwd'] });
    expect(claims).not.toHaveProperty('email');
    expect(claims).not.toHaveProperty('name');
    const userinfo = await oidc.fetchUserInfo(lean, tokens.access_token, claims.sub);
    expect(userinfo).toMatchObject({ sub: claims.sub, email: 'Karin.Berg@testbolaget.se', given_name: 'Karin', family_name: 'Berg' });
  });

  it('answers userinfo with the profile claims for the granted scopes', async () => {
    const { tokens } = await signIn();
    const userinfo = await oidc.fetchUserInfo(hrm, tokens.access_token, tokens.claims()!.sub);
    expect(userinfo).toMatchObject({ email: 'Karin.Berg@testbolaget.se', name: 'Karin Berg', locale: 'sv-SE', idp: 'Visma Connect' });
  });

  it('rotates one-time refresh tokens, issues an ID token on refresh, and refuses a spent token after the grace period', async () => {
    const { tokens } = await signIn();
    const first = tokens.refresh_token!;
    const refreshed = await oidc.refreshTokenGrant(hrm, first);
    expect(refreshed.refresh_token).toEqual(expect.any(String));
    expect(refreshed.refresh_token).not.toBe(first);
    expect(refreshed.claims()).toMatchObject({ sub: tokens.claims()!.sub, acr: '2', amr: ['pwd'] });

    const raced = await oidc.refreshTokenGrant(hrm, first);
    expect(raced.access_token).toEqual(expect.any(String));

    await fetch(`${emulator.url}/_mock/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"advanceSeconds":10}' });
    await expect(oidc.refreshTokenGrant(hrm, first)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('keeps a reusable refresh token the same across refreshes', async () => {
    const lean = await discover(emulator.issuer, 'lean-app', 'lean-secret');
    const { tokens } = await signIn(lean, 'http://localhost:3005/cb');
    const again = await oidc.refreshTokenGrant(lean, tokens.refresh_token!);
    expect(again.refresh_token ?? tokens.refresh_token).toBe(tokens.refresh_token);
    await oidc.refreshTokenGrant(lean, tokens.refresh_token!);
  });

  it('issues no refresh token without offline_access', async () => {
    const login = await buildLogin(hrm, { redirectUri: HRM_CALLBACK, scope: 'openid profile' });
    const answer = await signInThroughPages(new UserAgent(), login.url, 'karin.berg@testbolaget.se', 'Vinter2025!q');
    const tokens = await completeLogin(hrm, login, callbackRequest(answer, HRM_CALLBACK));
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('returns the code in the query with the iss parameter when response_mode is query', async () => {
    const login = await buildLogin(hrm, { redirectUri: HRM_CALLBACK, responseMode: 'query' });
    const answer = await signInThroughPages(new UserAgent(), login.url, 'karin.berg@testbolaget.se', 'Vinter2025!q', HRM_CALLBACK);
    const callback = new URL(answer.location!);
    expect(callback.searchParams.get('iss')).toBe(emulator.issuer);
    const tokens = await completeLogin(hrm, login, callback);
    expect(tokens.claims()!.acr).toBe('2');
  });

  it('refuses a code redeemed a second time and revokes what the first redemption issued', async () => {
    const login = await buildLogin(hrm, { redirectUri: HRM_CALLBACK, responseMode: 'query' });
    const answer = await signInThroughPages(new UserAgent(), login.url, 'karin.berg@testbolaget.se', 'Vinter2025!q', HRM_CALLBACK);
    const callback = new URL(answer.location!);
    const tokens = await completeLogin(hrm, login, callback);
    const replay = await fetch(`${emulator.url}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: HRM_CALLBACK, code_verifier: login.verifier, client_id: 'hrm', client_secret: 'hrm-secret' }),
    });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
    expect(await oidc.tokenIntrospection(hrm, tokens.access_token)).toMatchObject({ active: false });
    await expect(oidc.refreshTokenGrant(hrm, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('revokes a refresh token and introspects access tokens', async () => {
    const { tokens } = await signIn();
    const active = await oidc.tokenIntrospection(hrm, tokens.access_token);
    expect(active).toMatchObject({ active: true, client_id: 'hrm', sub: tokens.claims()!.sub });
    await oidc.tokenRevocation(hrm, tokens.refresh_token!);
    await expect(oidc.refreshTokenGrant(hrm, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('expires access tokens and sessions on the emulator clock', async () => {
    const { tokens, agent } = await signIn();
    await fetch(`${emulator.url}/_mock/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"advanceSeconds":3601}' });
    await expect(oidc.fetchUserInfo(hrm, tokens.access_token, tokens.claims()!.sub)).rejects.toThrow();

    const stillSignedIn = await buildLogin(hrm, { redirectUri: HRM_CALLBACK });
    const quick = await agent.follow(await agent.get(stillSignedIn.url.href), HRM_CALLBACK);
    expect(quick.html).toContain('name="code"');

    await fetch(`${emulator.url}/_mock/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"advanceSeconds":36000}' });
    const afterTenHours = await buildLogin(hrm, { redirectUri: HRM_CALLBACK });
    const page = await agent.follow(await agent.get(afterTenHours.url.href), HRM_CALLBACK);
    expect(page.html).toContain('name="Username"');
  });
});
