import { generate, createGuardrails } from 'otplib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { readForm, UserAgent, validationMessages, type Page } from '../support/user-agent.js';

const CALLBACK = 'http://localhost:4001/cb';
const fixtures = {
  domains: [{ name: 'strikt.se', twoFactor: 'required' }],
  clients: [{ clientId: 'intranet', clientSecret: 'i', redirectUris: [CALLBACK], twoFactor: 'bypass' }],
  users: [
    { email: 'maja@fri.se', password: 'Maja&Pass2025' },
    { email: 'anna@strikt.se', password: 'Anna&Pass2025', totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' },
  ],
};

describe('the account settings page', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  const totpOf = async (email: string) => ((await (await fetch(`${emulator.url}/_mock/totp?email=${email}`)).json()) as { code: string }).code;

  async function signedInAgent(email: string, password: string): Promise<{ agent: UserAgent; page: Page }> {
    const agent = new UserAgent();
    let page = await agent.follow(await agent.get(`${emulator.issuer}/account`));
    expect(page.html).toContain('name="Username"');
    page = await agent.follow(await agent.post(readForm(page).action, { Username: email }));
    page = await agent.follow(await agent.post(readForm(page).action, { Password: password }));
    if (page.html.includes('name="AuthCode"')) page = await agent.follow(await agent.post(readForm(page).action, { AuthCode: await totpOf(email) }));
    return { agent, page };
  }

  it('signs in through the login pages and lets the user set up 2FA, get a new emergency code and remove 2FA', async () => {
    const { agent, page } = await signedInAgent('maja@fri.se', 'Maja&Pass2025');
    expect(page.url).toBe(`${emulator.issuer}/account`);
    expect(page.html).toContain('id="account-email">maja@fri.se<');
    expect(page.html).toContain('Two-step verification is off.');

    const setup = await agent.get(`${emulator.issuer}/account/two-factor/setup`);
    expect(setup.html).toContain('id="totp-secret"');
    expect(setup.html).not.toContain('Remind me later');
    const wrong = await agent.submit(setup, { AuthCode: '000000' });
    expect(validationMessages(wrong)).toEqual(['The code is not correct. Check your authenticator app and try again.']);

    const secret = /id="totp-secret"[^>]*>([^<]+)</.exec(setup.html)![1]!.replace(/\s/g, '');
    const code = await generate({ secret, epoch: Math.floor(Date.now() / 1000), guardrails: createGuardrails({ MIN_SECRET_BYTES: 10 }) });
    const enrolled = await agent.submit(setup, { AuthCode: code });
    expect(enrolled.html).toMatch(/id="emergency-code"[^>]*>[A-Z2-9]{4}-/);
    const overview = await agent.get(`${emulator.issuer}/account`);
    expect(overview.html).toContain('Two-step verification is on');
    expect(await totpOf('maja@fri.se')).toMatch(/^\d{6}$/);

    const first = /id="emergency-code"[^>]*>([^<]+)</.exec(enrolled.html)![1];
    const renewed = await agent.submit(overview, {}, { action: '/account/emergency-code' });
    expect(/id="emergency-code"[^>]*>([^<]+)</.exec(renewed.html)![1]).not.toBe(first);

    const removed = await agent.submit(overview, {}, { action: '/account/two-factor/remove' });
    expect(removed.html).toContain('Two-step verification was removed.');
    expect(removed.html).toContain('Two-step verification is off.');
    const gone = await fetch(`${emulator.url}/_mock/totp?email=maja@fri.se`);
    expect(gone.status).toBe(409);
  });

  it('does not let a user remove 2FA when the e-mail domain requires it', async () => {
    const { agent, page } = await signedInAgent('anna@strikt.se', 'Anna&Pass2025');
    expect(page.html).toContain('Two-step verification is on');
    expect(page.html).not.toContain('Remove two-step verification');
    // The page offers no such form; post one anyway, with the session's own form token.
    const { fields } = readForm(page, { action: '/account/emergency-code' });
    const refused = await agent.post(`${emulator.issuer}/account/two-factor/remove`, fields);
    expect(validationMessages(refused)).toEqual(['Your organisation requires two-step verification for your e-mail domain, so it cannot be removed.']);
    expect((await fetch(`${emulator.url}/_mock/totp?email=anna@strikt.se`)).status).toBe(200);
  });

  /** A browser signed in to the intranet app, whose policy skips 2FA, with the password alone, and where the app was sent back to. */
  async function signedInToIntranet(email: string, password: string): Promise<{ agent: UserAgent; intranetLanding: string }> {
    const agent = new UserAgent();
    const authorize = `${emulator.issuer}/connect/authorize?${new URLSearchParams({ client_id: 'intranet', response_type: 'code', scope: 'openid', redirect_uri: CALLBACK })}`;
    let page = await agent.follow(await agent.get(authorize), CALLBACK);
    page = await agent.follow(await agent.post(readForm(page).action, { Username: email }), CALLBACK);
    const landed = await agent.follow(await agent.post(readForm(page).action, { Password: password }), CALLBACK);
    expect(landed.location).toMatch(new RegExp(`^${CALLBACK}\\?code=`));
    return { agent, intranetLanding: landed.location! };
  }

  it('asks for the code before showing the settings to a session that signed in to an app without 2FA', async () => {
    const { agent, intranetLanding } = await signedInToIntranet('anna@strikt.se', 'Anna&Pass2025');
    const codePage = await agent.follow(await agent.get(`${emulator.issuer}/account`));
    expect(codePage.html).toContain('name="AuthCode"');
    expect(codePage.html).not.toContain('id="account-email"');
    // Starting that sign-in does not count as having done it: asked again, the settings still want the code.
    const again = await agent.follow(await agent.get(`${emulator.issuer}/account`));
    expect(again.html).toContain('name="AuthCode"');
    expect(again.html).not.toContain('id="account-email"');
    // Nor does a made-up code brought to the settings' callback, or the intranet's own code.
    const forged = await agent.follow(await agent.get(`${emulator.issuer}/account/signed-in?code=made-up`));
    expect(forged.html).not.toContain('id="account-email"');
    const intranetCode = new URL(intranetLanding).searchParams.get('code')!;
    const borrowed = await agent.follow(await agent.get(`${emulator.issuer}/account/signed-in?code=${intranetCode}`));
    expect(borrowed.html).not.toContain('id="account-email"');

    const overview = await agent.follow(await agent.post(readForm(codePage).action, { AuthCode: await totpOf('anna@strikt.se') }));
    expect(overview.url).toBe(`${emulator.issuer}/account`);
    expect(overview.html).toContain('id="account-email">anna@strikt.se<');
    const decisions = (await (await fetch(`${emulator.url}/_mock/decisions`)).json()) as { decisions: { clientId: string; outcome: string }[] };
    // One decision each time the browser was sent to the settings' sign-in, each asking for the code.
    expect(new Set(decisions.decisions.filter((d) => d.clientId === 'mvc-account-settings').map((d) => d.outcome))).toEqual(new Set(['challenge']));
  });

  it('sends a session whose account was suspended meanwhile to the sign-in, which refuses it', async () => {
    const { agent } = await signedInAgent('maja@fri.se', 'Maja&Pass2025');
    const { AccountRepository } = await import('../../provider/accounts/index.js');
    const accounts = new AccountRepository(emulator.store);
    const maja = await accounts.findByEmail('maja@fri.se');
    await accounts.update(maja!.sub, (account) => ({ ...account, suspended: true }));
    const page = await agent.follow(await agent.get(`${emulator.issuer}/account`));
    expect(page.html).not.toContain('id="account-email"');
    expect(page.url).not.toBe(`${emulator.issuer}/account`);
  });

  it('sends a visitor who is not signed in to the login pages', async () => {
    const page = await new UserAgent().get(`${emulator.issuer}/account/two-factor/setup`);
    expect(page.status).toBe(302);
    expect(page.location).toMatch(/\/connect\/authorize\?client_id=mvc-account-settings&/);
  });
});
