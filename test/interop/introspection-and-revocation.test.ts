import * as oidc from 'openid-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { buildLogin, callbackRequest, completeLogin, discover, signInThroughPages } from '../support/relying-party.js';
import { UserAgent } from '../support/user-agent.js';

const HRM_CALLBACK = 'http://localhost:3000/signin-oidc';

const fixtures = {
  clients: [
    { clientId: 'hrm', clientSecret: 'hrm-secret', redirectUris: [HRM_CALLBACK], scopes: ['openid', 'profile', 'offline_access'] },
    { clientId: 'other-app', clientSecret: 'other-secret', grantTypes: ['client_credentials'], scopes: ['connect:users'] },
    { clientId: 'api-gateway', clientSecret: 'gateway-secret', grantTypes: ['client_credentials'], scopes: ['connect:users'], resourceServer: true },
  ],
  users: [{ email: 'karin.berg@testbolaget.se', password: 'Vinter2025!q', givenName: 'Karin' }],
};

describe("who may introspect and revoke a client's tokens", () => {
  let emulator: RunningEmulator;
  let hrm: oidc.Configuration;
  let other: oidc.Configuration;
  let gateway: oidc.Configuration;
  let tokens: oidc.TokenEndpointResponse;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
    [hrm, other, gateway] = await Promise.all([discover(emulator.issuer, 'hrm', 'hrm-secret'), discover(emulator.issuer, 'other-app', 'other-secret'), discover(emulator.issuer, 'api-gateway', 'gateway-secret')]);
  });
  afterAll(() => emulator.close());
  beforeEach(async () => {
    await emulator.reset();
    const login = await buildLogin(hrm, { redirectUri: HRM_CALLBACK });
    const answer = await signInThroughPages(new UserAgent(), login.url, 'karin.berg@testbolaget.se', 'Vinter2025!q', HRM_CALLBACK);
    tokens = await completeLogin(hrm, login, callbackRequest(answer, HRM_CALLBACK));
  });

  describe('introspection', () => {
    it("lets the token's own client introspect its access and refresh tokens", async () => {
      expect(await oidc.tokenIntrospection(hrm, tokens.access_token)).toMatchObject({ active: true, client_id: 'hrm' });
      expect(await oidc.tokenIntrospection(hrm, tokens.refresh_token!)).toMatchObject({ active: true, client_id: 'hrm' });
    });

    it('answers another client {active: false}, as for a token that does not exist', async () => {
      expect(await oidc.tokenIntrospection(other, tokens.access_token)).toEqual({ active: false });
      expect(await oidc.tokenIntrospection(other, tokens.refresh_token!)).toEqual({ active: false });
    });

    it("lets a resource server introspect another client's access token, but not its refresh token", async () => {
      expect(await oidc.tokenIntrospection(gateway, tokens.access_token)).toMatchObject({ active: true, client_id: 'hrm', scope: expect.stringContaining('openid') });
      expect(await oidc.tokenIntrospection(gateway, tokens.refresh_token!)).toEqual({ active: false });
    });
  });

  describe('revocation', () => {
    it("refuses another client's revocation (400 invalid_request), and the tokens keep working", async () => {
      for (const client of [other, gateway]) {
        await expect(oidc.tokenRevocation(client, tokens.refresh_token!)).rejects.toMatchObject({
          error: 'invalid_request',
          error_description: 'client is not authorized to revoke the presented token',
        });
        await expect(oidc.tokenRevocation(client, tokens.access_token)).rejects.toMatchObject({ error: 'invalid_request' });
      }
      expect(await oidc.tokenIntrospection(hrm, tokens.access_token)).toMatchObject({ active: true });
      expect((await oidc.refreshTokenGrant(hrm, tokens.refresh_token!)).access_token).toEqual(expect.any(String));
    });

    it("lets the token's own client revoke it", async () => {
      await oidc.tokenRevocation(hrm, tokens.access_token);
      expect(await oidc.tokenIntrospection(hrm, tokens.access_token)).toEqual({ active: false });
    });
  });
});
