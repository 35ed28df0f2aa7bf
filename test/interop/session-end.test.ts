import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { logoutReceiver, type LogoutReceiver } from '../support/logout-receiver.js';
import { buildLogin, callbackRequest, completeLogin, discover, signInThroughPages } from '../support/relying-party.js';
import { startReplicas, type Replicas } from '../support/replicas.js';
import { readForm, UserAgent } from '../support/user-agent.js';

const TEN_HOURS = 10 * 60 * 60;
const HRM = 'http://localhost:3000/signin-oidc';
const PAYROLL = 'http://localhost:3001/signin-oidc';
const PORTAL = 'http://localhost:3002/signin-oidc';

describe('the end of a session: after 10 hours, and front-channel logout at sign-out', () => {
  let receiver: LogoutReceiver;
  let replicas: Replicas;

  beforeAll(async () => {
    receiver = await logoutReceiver();
    replicas = await startReplicas({
      clients: [
        { clientId: 'hrm', clientSecret: 'hrm-secret', redirectUris: [HRM], postLogoutRedirectUris: ['http://localhost:3000/'], backchannelLogoutUri: receiver.url, frontchannelLogoutUri: 'http://localhost:3000/signout-oidc' },
        { clientId: 'payroll', clientSecret: 'payroll-secret', redirectUris: [PAYROLL], backchannelLogoutUri: receiver.url },
        { clientId: 'portal', clientSecret: 'portal-secret', redirectUris: [PORTAL], frontchannelLogoutUri: 'http://localhost:3002/logout?from=idp' },
      ],
      users: [
        { email: 'ulla.lind@example.se', password: 'Vinter2025!q' },
        { email: 'bo.sten@example.se', password: 'Vinter2025!q' },
      ],
    });
  });
  afterAll(async () => {
    await replicas.close();
    receiver.close();
  });
  beforeEach(async () => {
    await replicas.reset();
    receiver.tokens.length = 0;
  });

  const issuer = () => replicas.at(0).issuer;
  const advance = (seconds: number) => fetch(`${replicas.at(0).url}/_mock/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceSeconds: seconds }) });
  const anyRequest = (replica = 0) => fetch(`${replicas.at(replica).issuer}/.well-known/openid-configuration`);

  /** Signs the agent in to `clientId` (through the pages the first time, by SSO after) and returns the ID token's claims. */
  async function signIn(agent: UserAgent, clientId: string, redirectUri: string, email = 'ulla.lind@example.se') {
    const config = await discover(issuer(), clientId, `${clientId}-secret`);
    const login = await buildLogin(config, { redirectUri });
    const first = await agent.follow(await agent.get(login.url.href), redirectUri);
    const answer = first.html.includes('name="Username"') ? await signInThroughPages(agent, login.url, email, 'Vinter2025!q', redirectUri) : first;
    const tokens = await completeLogin(config, login, callbackRequest(answer, redirectUri));
    return { config, tokens, claims: tokens.claims()! };
  }

  it('sends every app of the session with a back-channel logout URI a logout token when the session ends, on the next request after the clock passes 10 hours', async () => {
    const agent = new UserAgent();
    const hrm = await signIn(agent, 'hrm', HRM);
    const payroll = await signIn(agent, 'payroll', PAYROLL);
    await signIn(agent, 'portal', PORTAL);

    await advance(TEN_HOURS - 60);
    await anyRequest();
    expect(receiver.tokens).toEqual([]);

    await advance(61);
    await anyRequest();
    expect(receiver.tokens).toHaveLength(2);
    const jwks = createRemoteJWKSet(new URL(`${issuer()}/.well-known/openid-configuration/jwks`));
    const received = await Promise.all(receiver.tokens.map(async (token) => (await jwtVerify(token, jwks, { issuer: issuer(), typ: 'logout+jwt' })).payload));
    expect(received.map((token) => [token.aud, token.sid]).toSorted()).toEqual(
      [
        ['hrm', hrm.claims['sid']],
        ['payroll', payroll.claims['sid']],
      ].toSorted(),
    );
    for (const token of received) {
      expect(token).toMatchObject({ sub: hrm.claims.sub, events: { 'http://schemas.openid.net/event/backchannel-logout': {} }, jti: expect.any(String) });
      expect(token.nbf).toBe(token.iat);
      expect(token.exp! - token.iat!).toBe(300);
    }

    const again = await buildLogin(hrm.config, { redirectUri: HRM });
    expect((await agent.follow(await agent.get(again.url.href), HRM)).html).toContain('name="Username"');
  });

  it('sends them once, whichever replica the requests after the end reach', async () => {
    await signIn(new UserAgent(), 'hrm', HRM);
    await advance(TEN_HOURS + 1);
    await Promise.all([anyRequest(0), anyRequest(1), anyRequest(0), anyRequest(1)]);
    expect(receiver.tokens.map((token) => decodeJwt(token).aud)).toEqual(['hrm']);
  });

  it('sends nothing at 10 hours for a session that signed out before, and nothing twice for one that ended', async () => {
    const signedOut = new UserAgent();
    const { tokens } = await signIn(signedOut, 'hrm', HRM);
    const confirm = await signedOut.get(oidc.buildEndSessionUrl(await discover(issuer(), 'hrm', 'hrm-secret'), { id_token_hint: tokens.id_token! }).href);
    const form = readForm(confirm, { id: 'op.logoutForm' });
    await signedOut.post(form.action, { ...form.fields, logout: 'yes' });
    expect(receiver.tokens).toHaveLength(1);

    const other = new UserAgent();
    await signIn(other, 'payroll', PAYROLL, 'bo.sten@example.se');
    await advance(TEN_HOURS + 1);
    await anyRequest();
    expect(receiver.tokens.map((token) => decodeJwt(token).aud)).toEqual(['hrm', 'payroll']);
    await advance(60);
    await anyRequest();
    expect(receiver.tokens).toHaveLength(2);
  });

  it("loads every signed-out app's front-channel logout URI with iss and sid before returning to the app", async () => {
    const agent = new UserAgent();
    const hrm = await signIn(agent, 'hrm', HRM);
    const portal = await signIn(agent, 'portal', PORTAL);
    await signIn(agent, 'payroll', PAYROLL);

    const confirm = await agent.get(oidc.buildEndSessionUrl(hrm.config, { id_token_hint: hrm.tokens.id_token!, post_logout_redirect_uri: 'http://localhost:3000/', state: 'fc' }).href);
    const form = readForm(confirm, { id: 'op.logoutForm' });
    const page = await agent.post(form.action, { ...form.fields, logout: 'yes' });

    expect(page.status).toBe(200);
    const frames = [...page.html.matchAll(/<iframe class="frontchannel-logout" src="([^"]+)"/g)].map((match) => new URL(match[1]!.replaceAll('&amp;', '&')));
    expect(frames.map((url) => [url.origin + url.pathname, Object.fromEntries(url.searchParams)]).toSorted()).toEqual(
      [
        ['http://localhost:3000/signout-oidc', { iss: issuer(), sid: hrm.claims['sid'] }],
        ['http://localhost:3002/logout', { from: 'idp', iss: issuer(), sid: portal.claims['sid'] }],
      ].toSorted(),
    );
    expect(page.html).toContain('href="http://localhost:3000/?state=fc"');
    expect(receiver.tokens).toHaveLength(2);
  });

  it("loads only the asking app's front-channel logout URI when the user signs out of that app alone", async () => {
    const agent = new UserAgent();
    const portal = await signIn(agent, 'portal', PORTAL);
    await signIn(agent, 'hrm', HRM);
    const confirm = await agent.get(oidc.buildEndSessionUrl(portal.config, { id_token_hint: portal.tokens.id_token! }).href);
    const page = await agent.post(readForm(confirm, { id: 'op.logoutForm' }).action, readForm(confirm, { id: 'op.logoutForm' }).fields);
    const frames = [...page.html.matchAll(/<iframe class="frontchannel-logout" src="([^"]+)"/g)].map((match) => new URL(match[1]!.replaceAll('&amp;', '&')));
    expect(frames.map((url) => url.origin)).toEqual(['http://localhost:3002']);
  });
});
