import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { apiClient, apiToken, linkIn, mailClient } from '../support/api-client.js';
import { startTestEmulator } from '../support/emulator.js';
import { buildLogin, callbackRequest, completeLogin, discover, signInThroughPages } from '../support/relying-party.js';
import { readForm, UserAgent, validationMessages } from '../support/user-agent.js';

const TENANT = '1b0d2f5e-7c1a-4c8e-9a51-3f0d2b6c9e10';
const HRM_CALLBACK = 'http://localhost:3000/signin-oidc';

describe("the HRM's journey of seed 002: verify an e-mail by code, create a password by mail, sign in", () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator({
      fixtures: {
        tenants: [{ id: TENANT, name: 'Företaget AB', verifiedDomains: ['foretaget.se'] }],
        clients: [
          { clientId: 'flex-hrm', clientSecret: 'dev-secret', redirectUris: [HRM_CALLBACK], includeCoreIdentityClaims: true },
          { clientId: 'hrm-api', clientSecret: 'api-secret', grantTypes: ['client_credentials'], scopes: ['connect:users'] },
        ],
      },
    });
  });
  afterAll(() => emulator.close());

  it('goes from "Verifiera konto" to a signed-in user', async () => {
    const api = apiClient(emulator, await apiToken(emulator, 'hrm-api', 'api-secret', { tenant_id: TENANT }));
    const mail = mailClient(emulator);

    // The user picks a private address (not the verified domain): a code is mailed.
    const started = await api('POST', '/email-verifications', { email: 'anna.svensson@foretag.se', delivery: 'code', locale: 'sv-SE' });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ id: expect.any(String), status: 'pending' });
    expect(Date.parse(started.body.expiresAt) - Date.now()).toBeGreaterThan(29 * 60 * 1000);

    const codeMail = await mail.latestTo('anna.svensson@foretag.se');
    expect(codeMail).toBeTruthy();
    if (!codeMail) return;
    expect(codeMail.subject).toBe('Verifiera din e-postadress');
    expect(codeMail.from).toBe('Visma Connect <do.not.reply@mail.connect.visma.com>');
    expect(codeMail.text).toContain('Verifieringskoden är giltig i 30 minuter.');
    expect(codeMail.html).toContain('Om du redan har ett Visma Connect-konto med denna e-postadress kopplas istället ditt befintliga konto till Flex HRM.');
    const code = /\b(\d{6})\b/.exec(codeMail.text)![1]!;

    // The user types the code into the HRM, which verifies it: the account is created and linked.
    const verified = await api('POST', `/email-verifications/${started.body.id}/verify`, { code });
    expect(verified).toEqual({ status: 200, body: { status: 'verified', userId: expect.stringMatching(/^[0-9a-f-]{36}$/), created: true } });
    const userId = verified.body.userId;
    expect((await api('GET', `/email-verifications/${started.body.id}`)).body).toMatchObject({ status: 'verified', userId, created: true });
    expect((await mail.latestTo('anna.svensson@foretag.se'))!.subject).toBe('Ditt Visma Connect-konto är klart');

    const user = await api('GET', `/users?email=${encodeURIComponent('Anna.Svensson@Foretag.se')}`);
    expect(user.body).toMatchObject({ userId, email: 'anna.svensson@foretag.se', emailVerified: true, hasPassword: false, tenants: [TENANT] });
    expect(user.body.applications).toEqual([{ clientId: 'hrm-api', tenantId: TENANT, linkedAt: expect.any(String) }]);

    // "Återställ lösenord": a reset mail; the link opens the set-password page, which applies the policy.
    expect((await api('POST', `/users/${userId}/password-reset`)).status).toBe(202);
    const resetMail = (await mail.latestTo('anna.svensson@foretag.se'))!;
    expect(resetMail.subject).toBe('Återställ ditt lösenord');
    const browser = new UserAgent({ acceptLanguage: 'sv-SE' });
    const setPassword = await browser.get(linkIn(resetMail.text, '/reset-password'));
    expect(setPassword.html).toContain('name="ConfirmPassword"');
    const weak = await browser.post(readForm(setPassword).action, { Password: 'kort', ConfirmPassword: 'kort' });
    expect(validationMessages(weak)).toEqual([
      'Lösenordet måste vara minst 8 tecken långt.',
      'Lösenordet måste innehålla en siffra.',
      'Lösenordet måste innehålla en versal (stor bokstav).',
      'Lösenordet måste innehålla ett specialtecken, till exempel ! eller #.',
    ]);
    const done = await browser.post(readForm(setPassword).action, { Password: 'Höst&Vinter2025', ConfirmPassword: 'Höst&Vinter2025' });
    expect(done.html).toContain('Ditt lösenord är ändrat');

    // Sign in to Flex HRM with openid-client through the pages.
    const hrm = await discover(emulator.issuer, 'flex-hrm', 'dev-secret');
    const login = await buildLogin(hrm, { redirectUri: HRM_CALLBACK });
    const answer = await signInThroughPages(new UserAgent(), login.url, 'anna.svensson@foretag.se', 'Höst&Vinter2025', HRM_CALLBACK);
    const tokens = await completeLogin(hrm, login, callbackRequest(answer, HRM_CALLBACK));
    expect(tokens.claims()).toMatchObject({ sub: userId, email: 'anna.svensson@foretag.se', acr: '2' });
    await expect(oidc.fetchUserInfo(hrm, tokens.access_token, userId)).resolves.toMatchObject({ email: 'anna.svensson@foretag.se' });
  });
});
