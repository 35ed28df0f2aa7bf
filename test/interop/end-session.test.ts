import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { logoutReceiver, type LogoutReceiver } from '../support/logout-receiver.js';
import { buildLogin, callbackRequest, completeLogin, discover, signInThroughPages } from '../support/relying-party.js';
import { readForm, UserAgent } from '../support/user-agent.js';

const CALLBACK = 'http://localhost:3000/signin-oidc';

describe('end session', () => {
  let emulator: RunningEmulator;
  let receiver: LogoutReceiver;
  let hrm: oidc.Configuration;

  beforeAll(async () => {
    receiver = await logoutReceiver();
    emulator = await startTestEmulator({
      fixtures: {
        clients: [
          {
            clientId: 'hrm',
            clientSecret: 'hrm-secret',
            redirectUris: [CALLBACK],
            postLogoutRedirectUris: ['http://localhost:3000/signed-out'],
            backchannelLogoutUri: receiver.url,
          },
        ],
        users: [{ email: 'olle@example.org', password: 'Host2025!xyz' }],
      },
    });
    hrm = await discover(emulator.issuer, 'hrm', 'hrm-secret');
  });
  afterAll(async () => {
    await emulator.close();
    receiver.server.close();
  });

  it('signs out, returns to the post_logout_redirect_uri with state, and sends a back-channel logout token', async () => {
    const agent = new UserAgent();
    const login = await buildLogin(hrm, { redirectUri: CALLBACK });
    const tokens = await completeLogin(hrm, login, callbackRequest(await signInThroughPages(agent, login.url, 'olle@example.org', 'Host2025!xyz', CALLBACK), CALLBACK));
    const idClaims = tokens.claims()!;

    const endSession = oidc.buildEndSessionUrl(hrm, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: 'http://localhost:3000/signed-out',
      state: 'after-logout-42',
    });
    const confirm = await agent.get(endSession.href);
    expect(confirm.status).toBe(200);
    const form = readForm(confirm, { id: 'op.logoutForm' });
    const done = await agent.follow(await agent.post(form.action, { ...form.fields, logout: 'yes' }), 'http://localhost:3000/');
    const back = new URL(done.location!);
    expect(back.origin + back.pathname).toBe('http://localhost:3000/signed-out');
    expect(back.searchParams.get('state')).toBe('after-logout-42');

    expect(receiver.tokens).toHaveLength(1);
    const jwks = createRemoteJWKSet(new URL(hrm.serverMetadata().jwks_uri!));
    const { payload } = await jwtVerify(receiver.tokens[0]!, jwks, { issuer: emulator.issuer, audience: 'hrm' });
    expect(payload).toMatchObject({ sub: idClaims.sub, sid: idClaims['sid'] });
    expect(payload.events).toEqual({ 'http://schemas.openid.net/event/backchannel-logout': {} });
    expect(payload.jti).toEqual(expect.any(String));
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(payload.nbf).toBe(payload.iat);

    const again = await buildLogin(hrm, { redirectUri: CALLBACK });
    const page = await agent.follow(await agent.get(again.url.href), CALLBACK);
    expect(page.html).toContain('name="Username"');
  });

  it('refuses a post_logout_redirect_uri the client did not register', async () => {
    const response = await fetch(`${emulator.issuer}/connect/endsession?client_id=hrm&post_logout_redirect_uri=${encodeURIComponent('https://evil.example/')}`, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('post_logout_redirect_uri not registered');
  });
});
