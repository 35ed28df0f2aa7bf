import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockVismaConnect, type MockVismaConnect } from '../../provider/testing/index.js';
import { buildLogin, callbackRequest, completeLogin, signInThroughPages } from '../support/relying-party.js';
import { readForm, UserAgent } from '../support/user-agent.js';

describe('the testing library, as a test suite in another project would use it', () => {
  let idp: MockVismaConnect;
  beforeAll(async () => {
    idp = await startMockVismaConnect();
  });
  afterAll(() => idp.stop());

  it('serves the demo clients and lets a test sign in with 2FA using totp()', async () => {
    const hrm = idp.clients['flex-hrm']!;
    expect(hrm).toEqual({ clientId: 'flex-hrm', clientSecret: 'dev-secret', redirectUris: ['http://localhost:3000/signin-oidc'] });
    const config = await oidc.discovery(new URL(idp.issuer), hrm.clientId, hrm.clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
    const login = await buildLogin(config, { redirectUri: hrm.redirectUris[0]! });
    const agent = new UserAgent();
    const codePage = await signInThroughPages(agent, login.url, 'anna.svensson@foretaget.se', 'Sommar2025!x', hrm.redirectUris[0]!);
    const answer = await agent.follow(await agent.post(readForm(codePage).action, { AuthCode: await idp.totp('anna.svensson@foretaget.se') }), hrm.redirectUris[0]!);
    const tokens = await completeLogin(config, login, callbackRequest(answer, hrm.redirectUris[0]!));
    expect(tokens.claims()).toMatchObject({ acr: '3', email: 'anna.svensson@foretaget.se' });
  });

  it("gives the Public API's URL, where the demo Public API client reads the demo tenant", async () => {
    const config = await oidc.discovery(new URL(idp.issuer), 'hrm-public-api', 'dev-public-api-secret', undefined, { execute: [oidc.allowInsecureRequests] });
    const token = await oidc.clientCredentialsGrant(config, { scope: 'publicapi:tenant:read' });
    const tenants = await fetch(`${idp.publicApiUrl}/v1.0/tenants`, { headers: { authorization: `Bearer ${token.access_token}` } });
    expect(((await tenants.json()) as { organization_name: string }[]).map((tenant) => tenant.organization_name)).toEqual(['Företaget AB']);
  });

  it('reads the newest mail, moves the clock and resets', async () => {
    const token = await oidc.clientCredentialsGrant(await oidc.discovery(new URL(idp.issuer), 'hrm-api', 'dev-api-secret', undefined, { execute: [oidc.allowInsecureRequests] }), { scope: 'connect:users' });
    await fetch(`${idp.url}/api/v1/email-verifications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'kalle@privat.se', delivery: 'code' }),
    });
    const mail = await idp.latestMail('kalle@privat.se');
    expect(mail.subject).toBe('Verifiera din e-postadress');
    expect(mail.code).toMatch(/^\d{6}$/);
    const before = Date.now();
    await idp.advanceClock(3600);
    expect(Date.now() - before).toBeGreaterThanOrEqual(3600 * 1000);
    await idp.reset();
    await expect(idp.latestMail('kalle@privat.se')).rejects.toThrow(/no mail to kalle@privat.se/);
  });
});
