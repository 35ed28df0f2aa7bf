import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiClient, apiToken } from '../support/api-client.js';
import { startTestEmulator } from '../support/emulator.js';
import { logoutReceiver, type LogoutReceiver } from '../support/logout-receiver.js';
import { buildLogin, callbackRequest, completeLogin, discover, signInThroughPages } from '../support/relying-party.js';
import { startReplicas, type Replicas } from '../support/replicas.js';
import { UserAgent } from '../support/user-agent.js';

const HRM = 'http://localhost:3000/signin-oidc';
const TWO_HOURS = 7200;
const TEN_HOURS = 10 * 60 * 60;
/** mod_auth_openidc's OIDCIDTokenIatSlack default: an ID token issued more than this off its own (real) clock is refused. */
const IAT_SLACK = 600;

const fixtures = (backchannelLogoutUri: string) => ({
  clients: [
    { clientId: 'hrm', clientSecret: 'hrm-secret', redirectUris: [HRM], scopes: ['openid', 'profile', 'offline_access'], backchannelLogoutUri },
    { clientId: 'hrm-api', clientSecret: 'api-secret', grantTypes: ['client_credentials'], scopes: ['connect:users'] },
  ],
  users: [{ email: 'ulla.lind@example.se', password: 'Vinter2025!q' }],
});

const realNow = () => Math.floor(Date.now() / 1000);

/** What mod_auth_openidc checks of an ID token, on the relying party's real clock. */
function expectAcceptableOnRealTime(claims: { iat?: number; exp?: number; auth_time?: number; nbf?: number }): void {
  const now = realNow();
  expect(Math.abs(claims.iat! - now)).toBeLessThanOrEqual(IAT_SLACK);
  expect(claims.exp!).toBeGreaterThan(now);
  if (claims.nbf !== undefined) expect(claims.nbf).toBeLessThanOrEqual(now + IAT_SLACK);
  if (claims.auth_time !== undefined) expect(claims.auth_time).toBeLessThanOrEqual(now + IAT_SLACK);
}

describe('the moved clock: enforced by the emulator, invisible to relying parties on real time', () => {
  let receiver: LogoutReceiver;
  let replicas: Replicas;
  let hrm: oidc.Configuration;

  beforeAll(async () => {
    receiver = await logoutReceiver();
    replicas = await startReplicas(fixtures(receiver.url));
    hrm = await discover(replicas.at(0).issuer, 'hrm', 'hrm-secret');
  });
  afterAll(async () => {
    await replicas.close();
    receiver.close();
  });
  beforeEach(async () => {
    await replicas.reset();
    receiver.tokens.length = 0;
  });

  /** Moves the clock on the first replica (on Redis, the second must see it). */
  const advance = async (seconds: number) => {
    const answer = await fetch(`${replicas.at(0).url}/_mock/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceSeconds: seconds }) });
    expect(answer.status).toBe(200);
  };

  /** Signs in through the pages and returns the callback the relying party receives (the code not yet redeemed). */
  async function authorize(agent = new UserAgent()) {
    const login = await buildLogin(hrm, { redirectUri: HRM });
    const answer = await signInThroughPages(agent, login.url, 'ulla.lind@example.se', 'Vinter2025!q', HRM);
    return { login, answer, callback: callbackRequest(answer, HRM), agent };
  }

  it('signs a relying party that checks iat strictly on real time in after the clock moved two hours ahead', async () => {
    await advance(TWO_HOURS);
    const { login, callback } = await authorize();
    const tokens = await completeLogin(hrm, login, callback);

    const idToken = tokens.claims()!;
    expectAcceptableOnRealTime(idToken);
    const accessToken = decodeJwt(tokens.access_token);
    expectAcceptableOnRealTime(accessToken);
    expect(accessToken.exp! - realNow()).toBeGreaterThan(3600 - IAT_SLACK);
    expect(tokens.expires_in).toBeGreaterThan(3600 - IAT_SLACK);
    expect(tokens.expires_in).toBeLessThanOrEqual(3600);
  });

  it('stamps llt on the moved clock and auth_time on real time, both from the one instant of the sign-in', async () => {
    await advance(TWO_HOURS);
    const { login, callback } = await authorize();
    const idToken = (await completeLogin(hrm, login, callback)).claims()!;
    expect(idToken.llt).toBe(idToken.auth_time! + TWO_HOURS);
  });

  it('never puts auth_time after iat once the clock has moved back past the sign-in', async () => {
    const { login, callback } = await authorize();
    const tokens = await completeLogin(hrm, login, callback);
    await advance(-TWO_HOURS);
    const refreshed = await oidc.refreshTokenGrant(hrm, tokens.refresh_token!);
    const idToken = refreshed.claims()!;
    expectAcceptableOnRealTime(idToken);
    expect(idToken.auth_time).toBeLessThanOrEqual(idToken.iat);
    expect(decodeJwt(refreshed.access_token).auth_time).toBeLessThanOrEqual(idToken.iat);
  });

  it('keeps the session its ten hours from the sign-in when the browser comes back while the clock is moved back', async () => {
    const agent = new UserAgent();
    await authorize(agent);
    await advance(-TWO_HOURS);
    const silently = async () => {
      const login = await buildLogin(hrm, { redirectUri: HRM, responseMode: 'query', extra: { prompt: 'none' } });
      return new URL((await agent.follow(await agent.get(login.url.href), HRM)).location!).searchParams;
    };
    expect((await silently()).get('code')).toEqual(expect.any(String));
    await advance(TWO_HOURS + 9 * 3600);
    const nineHoursOn = await silently();
    expect(nineHoursOn.get('error')).toBeNull();
    expect(nineHoursOn.get('code')).toEqual(expect.any(String));
  });

  it('sets the session cookies to expire on real time, ten hours from the sign-in', async () => {
    await advance(TWO_HOURS);
    const { answer } = await authorize();
    const sessionCookies = answer.headers.getSetCookie().filter((line) => /^(_session|idsrv\.session)=/.test(line));
    const expiries = sessionCookies.map((line) => Date.parse(/;\s*expires=([^;]+)/i.exec(line)![1]!) / 1000);
    expect(expiries).toHaveLength(2);
    for (const expiry of expiries) expect(Math.abs(expiry - (realNow() + TEN_HOURS))).toBeLessThanOrEqual(IAT_SLACK);
  });

  it('refuses at the token endpoint a code issued before the clock moved past its five minutes', async () => {
    const { login, callback } = await authorize();
    await advance(5 * 60 + 1);
    await expect(completeLogin(hrm, login, callback)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses an access token at userinfo and introspection once the clock passed its hour, while its JWT exp is still in the real future', async () => {
    const { login, callback } = await authorize();
    const tokens = await completeLogin(hrm, login, callback);
    await advance(3601);

    expect(decodeJwt(tokens.access_token).exp!).toBeGreaterThan(realNow());
    await expect(oidc.fetchUserInfo(hrm, tokens.access_token, tokens.claims()!.sub)).rejects.toThrow();
    expect(await oidc.tokenIntrospection(hrm, tokens.access_token)).toMatchObject({ active: false });
  });

  it('ends the session ten hours after sign-in on the moved clock: the next sign-in asks for the password, and the app gets its back-channel logout on real time', async () => {
    const { login, callback, agent } = await authorize();
    const sid = (await completeLogin(hrm, login, callback)).claims()!['sid'];

    await advance(TEN_HOURS + 1);
    const again = await buildLogin(hrm, { redirectUri: HRM });
    const page = await agent.follow(await agent.get(again.url.href), HRM);
    expect(page.html).toContain('name="Username"');

    expect(receiver.tokens).toHaveLength(1);
    const jwks = createRemoteJWKSet(new URL(`${replicas.at(0).issuer}/.well-known/openid-configuration/jwks`));
    const { payload } = await jwtVerify(receiver.tokens[0]!, jwks, { issuer: replicas.at(0).issuer, audience: 'hrm', typ: 'logout+jwt' });
    expect(payload.sid).toBe(sid);
    expectAcceptableOnRealTime(payload);
  });

  it('applies a clock move made on one replica to the next request on the other', async () => {
    const { login, callback } = await authorize();
    await advance(5 * 60 + 1);
    const code = (await (callback as Request).clone().formData()).get('code') as string;
    const onOther = await fetch(replicas.on(1, `${replicas.at(0).url}/connect/token`), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('hrm:hrm-secret').toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: HRM, code_verifier: login.verifier }),
    });
    expect(onOther.status).toBe(400);
    expect(await onOther.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('accepts at the provisioning API a service token issued after the clock moved, until its hour has passed on the moved clock', async () => {
    await advance(TWO_HOURS);
    const access_token = await apiToken(replicas.at(0), 'hrm-api', 'api-secret');
    expectAcceptableOnRealTime(decodeJwt(access_token));
    const api = apiClient(replicas.at(1), access_token);
    expect((await api('GET', '/users?email=ulla.lind@example.se')).status).toBe(200);

    await advance(3601);
    expect((await api('GET', '/users?email=ulla.lind@example.se')).status).toBe(401);
  });

  it('makes a fault queued on one replica hit the next request on the other', async () => {
    const queued = await fetch(`${replicas.at(0).url}/_mock/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ endpoint: 'discovery', status: 503 }) });
    expect(queued.status).toBe(201);
    expect((await fetch(`${replicas.at(1).url}/.well-known/openid-configuration`)).status).toBe(503);
    expect((await fetch(`${replicas.at(1).url}/.well-known/openid-configuration`)).status).toBe(200);
  });
});

describe('emulators in the process of a host test', () => {
  it("leave the host's Date alone while their clock moves, and keep a clock each", async () => {
    const [first, second] = await Promise.all([startTestEmulator(), startTestEmulator()]);
    try {
      const before = Date.now();
      await fetch(`${first.url}/_mock/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceSeconds: 86_400 }) });

      expect(Date.now() - before).toBeLessThan(3_600_000);
      expect(new Date().getTime() - before).toBeLessThan(3_600_000);
      expect(first.clock.nowMs() - Date.now()).toBeGreaterThanOrEqual(86_400_000 - 1000);
      const readings = await Promise.all([first, second].map(async (emulator) => ((await (await fetch(`${emulator.url}/_mock/clock`)).json()) as { offsetSeconds: number }).offsetSeconds));
      expect(readings).toEqual([86_400, 0]);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});
