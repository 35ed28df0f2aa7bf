import { exportJWK, generateKeyPair, UnsecuredJWT, decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { buildLogin, callbackRequest, completeLogin, discover } from '../support/relying-party.js';
import { readForm, UserAgent, type Page } from '../support/user-agent.js';

const CALLBACK = 'http://localhost:3000/signin-oidc';
const KATANA_CALLBACK = 'http://localhost:3001/signin-oidc';
const SESSION_STATE = /^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{22}$/;

describe('authorization requests as Visma Connect takes them: POST, hybrid response types, request objects', () => {
  let emulator: RunningEmulator;
  let hrm: oidc.Configuration;
  let signingKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

  beforeAll(async () => {
    const keys = await generateKeyPair('RS256');
    signingKey = keys.privateKey;
    emulator = await startTestEmulator({
      fixtures: {
        clients: [
          {
            clientId: 'hrm',
            clientSecret: 'hrm-secret',
            redirectUris: [CALLBACK],
            postLogoutRedirectUris: ['http://localhost:3000/'],
            jwks: { keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'hrm-1', alg: 'RS256', use: 'sig' }] },
          },
          {
            clientId: 'katana',
            clientSecret: 'katana-secret',
            redirectUris: [KATANA_CALLBACK],
            grantTypes: ['authorization_code', 'implicit', 'refresh_token'],
            includeCoreIdentityClaims: true,
          },
        ],
        users: [{ email: 'eva.berg@example.se', password: 'Vinter2025!q', givenName: 'Eva', familyName: 'Berg' }],
      },
    });
    hrm = await discover(emulator.issuer, 'hrm', 'hrm-secret');
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  /** From the first answer of the authorization endpoint through the identifier and password pages. */
  async function throughPages(agent: UserAgent, first: Page, redirectUri: string): Promise<Page> {
    const identifier = await agent.follow(first, redirectUri);
    const passwordPage = await agent.follow(await agent.post(readForm(identifier).action, { Username: 'eva.berg@example.se' }));
    const form = readForm(passwordPage);
    return agent.follow(await agent.post(form.action, { ...form.fields, Password: 'Vinter2025!q' }), redirectUri);
  }

  it('takes the authorization request as a form POST (OIDC Core 3.1.2.1), as mod_auth_openidc and ASP.NET FormPost send it', async () => {
    const login = await buildLogin(hrm, { redirectUri: CALLBACK });
    const agent = new UserAgent();
    const answer = await throughPages(agent, await agent.post(hrm.serverMetadata().authorization_endpoint!, Object.fromEntries(login.url.searchParams)), CALLBACK);
    const tokens = await completeLogin(hrm, login, callbackRequest(answer, CALLBACK));
    expect(tokens.claims()).toMatchObject({ acr: '2', amr: ['pwd'] });
  });

  it('takes the end-session request as a form POST too', async () => {
    const login = await buildLogin(hrm, { redirectUri: CALLBACK });
    const agent = new UserAgent();
    const tokens = await completeLogin(hrm, login, callbackRequest(await throughPages(agent, await agent.get(login.url.href), CALLBACK), CALLBACK));
    const confirm = await agent.post(hrm.serverMetadata().end_session_endpoint!, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'http://localhost:3000/', state: 'bye' });
    expect(confirm.status).toBe(200);
    const form = readForm(confirm, { id: 'op.logoutForm' });
    const done = await agent.post(form.action, { ...form.fields, logout: 'yes' });
    expect(done.location).toBe('http://localhost:3000/?state=bye');
  });

  it("answers Katana's default hybrid request (code id_token, form_post) with a code, an ID token and the session state", async () => {
    const katana = await discover(emulator.issuer, 'katana', 'katana-secret');
    oidc.useCodeIdTokenResponseType(katana);
    const login = await buildLogin(katana, { redirectUri: KATANA_CALLBACK });
    expect(login.url.searchParams.get('response_type')).toBe('code id_token');
    const agent = new UserAgent();
    const answer = await throughPages(agent, await agent.get(login.url.href), KATANA_CALLBACK);
    const posted = readForm(answer).fields;
    expect(Object.keys(posted).toSorted()).toEqual(['code', 'id_token', 'session_state', 'state']);
    expect(posted['session_state']).toMatch(SESSION_STATE);
    expect(decodeJwt(posted['id_token']!)).toMatchObject({ c_hash: expect.any(String), nonce: login.nonce, name: 'Eva Berg' });

    const tokens = await completeLogin(katana, login, callbackRequest(answer, KATANA_CALLBACK));
    expect(decodeJwt(tokens.access_token)).toMatchObject({ client_id: 'katana', amr: ['pwd'] });
  });

  it('issues the access token (a JWT) from the authorization endpoint for code id_token token, in the fragment by default', async () => {
    const url = new URL(hrm.serverMetadata().authorization_endpoint!);
    url.search = new URLSearchParams({ client_id: 'katana', response_type: 'code id_token token', scope: 'openid profile', redirect_uri: KATANA_CALLBACK, nonce: 'n-1', state: 's-1' }).toString();
    const agent = new UserAgent();
    const callback = new URL((await throughPages(agent, await agent.get(url.href), KATANA_CALLBACK)).location!);
    const fragment = new URLSearchParams(callback.hash.slice(1));
    expect(fragment.get('token_type')).toBe('Bearer');
    expect(decodeJwt(fragment.get('access_token')!)).toMatchObject({ client_id: 'katana', acr: '2', amr: ['pwd'], scope: ['openid', 'profile'] });
    expect(fragment.get('session_state')).toMatch(SESSION_STATE);
  });

  it('refuses a hybrid response type to a client without the implicit grant', async () => {
    const url = new URL(hrm.serverMetadata().authorization_endpoint!);
    url.search = new URLSearchParams({ client_id: 'hrm', response_type: 'code id_token', scope: 'openid', redirect_uri: CALLBACK, nonce: 'n', state: 's' }).toString();
    const answer = await new UserAgent().get(url.href);
    const callback = new URL(answer.location!);
    expect(Object.fromEntries(new URLSearchParams(callback.hash.slice(1)))).toMatchObject({ error: 'invalid_request', error_description: 'requested response_type is not allowed for this client', state: 's' });
  });

  it("takes a request object signed with the client's registered key", async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const url = await oidc.buildAuthorizationUrlWithJAR(
      hrm,
      { redirect_uri: CALLBACK, scope: 'openid profile', response_type: 'code', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', nonce, state: 'jar', response_mode: 'form_post' },
      { key: signingKey, kid: 'hrm-1' },
    );
    expect([...url.searchParams.keys()].toSorted()).toEqual(['client_id', 'request']);
    const agent = new UserAgent();
    const answer = await throughPages(agent, await agent.get(url.href), CALLBACK);
    const tokens = await completeLogin(hrm, { url, verifier, nonce, state: 'jar' }, callbackRequest(answer, CALLBACK));
    expect(tokens.claims()).toMatchObject({ nonce, acr: '2' });
  });

  it('takes an unsigned request object, whose parameters win over the same ones beside it', async () => {
    const login = await buildLogin(hrm, { redirectUri: CALLBACK });
    const inside = Object.fromEntries(login.url.searchParams);
    const request = new UnsecuredJWT(inside).setIssuer('hrm').setAudience(emulator.issuer).encode();
    const url = new URL(hrm.serverMetadata().authorization_endpoint!);
    url.search = new URLSearchParams({ client_id: 'hrm', response_type: 'code', scope: 'openid', state: 'overridden', request }).toString();
    const agent = new UserAgent();
    const answer = await throughPages(agent, await agent.get(url.href), CALLBACK);
    const tokens = await completeLogin(hrm, login, callbackRequest(answer, CALLBACK));
    // The request object's scope (with offline_access), state and nonce, not the ones beside it.
    expect(tokens.claims()).toMatchObject({ nonce: login.nonce });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(readForm(answer).fields['state']).toBe(login.state);
  });

  /** An unsigned request object (RFC 7519 6.1) with this header and these claims, encoded by hand so that any claim can be sent. */
  const unsigned = (header: object, claims: object) => [header, claims].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.') + '.';
  const requestFor = { client_id: 'hrm', redirect_uri: CALLBACK, response_type: 'code', scope: 'openid' };

  it.each([
    ['has expired on the emulator clock', { alg: 'none' }, (now: number) => ({ exp: now - 1 })],
    ['is not valid yet', { alg: 'none' }, (now: number) => ({ nbf: now + 600 })],
    ['gives its expiry as text', { alg: 'none' }, () => ({ exp: 'tomorrow' })],
    ['has a crit header, whose extension it cannot honour', { alg: 'none', crit: ['exp-policy'], 'exp-policy': 'strict' }, () => ({})],
  ])('refuses an unsigned request object that %s, through the redirect URI', async (_, header, times) => {
    const request = unsigned(header, { ...requestFor, ...times(emulator.clock.nowSeconds()) });
    const url = new URL(hrm.serverMetadata().authorization_endpoint!);
    url.search = new URLSearchParams({ client_id: 'hrm', response_type: 'code', redirect_uri: CALLBACK, scope: 'openid', state: 'x', request }).toString();
    const callback = new URL((await new UserAgent().get(url.href)).location!);
    expect(callback.searchParams.get('error')).toBe('invalid_request_object');
    expect(callback.searchParams.get('state')).toBe('x');
  });

  it('refuses an unsigned request object that names another client, through the redirect URI', async () => {
    const request = new UnsecuredJWT({ client_id: 'katana', redirect_uri: CALLBACK, response_type: 'code', scope: 'openid' }).encode();
    const url = new URL(hrm.serverMetadata().authorization_endpoint!);
    url.search = new URLSearchParams({ client_id: 'hrm', response_type: 'code', redirect_uri: CALLBACK, scope: 'openid', state: 'x', request }).toString();
    const callback = new URL((await new UserAgent().get(url.href)).location!);
    expect(callback.searchParams.get('error')).toBe('invalid_request_object');
    expect(callback.searchParams.get('state')).toBe('x');
  });
});
