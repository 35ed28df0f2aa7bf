import type * as oidc from 'openid-client';
import { createGuardrails, generate } from 'otplib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { elementById, textOf } from '../../provider/testing/web/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { buildLogin, callbackRequest, completeLogin, discover, type StartedLogin } from '../support/relying-party.js';
import { readForm, UserAgent, validationMessages, type Page } from '../support/user-agent.js';

const CALLBACK = 'http://localhost:4002/signin-oidc';
const OLLE_SECRET = 'KRUGS4ZANFZSA3LPMNVSAYLDMNXXK3TU';
const OLLE_EMERGENCY = 'AAAA-BBBB-CCCC-DDDD';
const fixtures = {
  domains: [{ name: 'fri.se', twoFactor: 'optional' }],
  clients: [{ clientId: 'required-app', clientSecret: 'secret', redirectUris: [CALLBACK], twoFactor: 'required', includeCoreIdentityClaims: true }],
  users: [
    { email: 'olle@fri.se', password: 'Olle&Pass2025', totpSecret: OLLE_SECRET, emergencyCode: OLLE_EMERGENCY },
    { email: 'nils@fri.se', password: 'Nils&Pass2025', totpSecret: OLLE_SECRET },
  ],
};
const guardrails = createGuardrails({ MIN_SECRET_BYTES: 10 });

interface SignIn {
  agent: UserAgent;
  login: StartedLogin;
  page: Page;
}

describe('"Try another way" on the code page: the emergency code, and a lost authenticator', () => {
  let emulator: RunningEmulator;
  let config: oidc.Configuration;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
    config = await discover(emulator.issuer, 'required-app', 'secret');
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  const control = async (path: string, init?: RequestInit) => (await fetch(`${emulator.url}/_mock${path}`, init)).json() as Promise<Record<string, any>>;
  const emulatorNow = async () => (await control('/clock'))['now'] as number;
  const codeOf = async (secret: string) => generate({ secret, epoch: await emulatorNow(), guardrails });
  const linkOn = (page: Page, id: string) => new URL(elementById(page, id)!.attrs.find((attr) => attr.name === 'href')!.value, page.url).href;

  /** A new sign-in at the app, walked to the code page. */
  async function atCodePage(email: string, password: string): Promise<SignIn> {
    const agent = new UserAgent();
    const login = await buildLogin(config, { redirectUri: CALLBACK });
    const identifier = await agent.follow(await agent.get(login.url.href), CALLBACK);
    const passwordPage = await agent.follow(await agent.submit(identifier, { Username: email }));
    const page = await agent.follow(await agent.submit(passwordPage, { Password: password }), CALLBACK);
    expect(page.html).toContain('name="RememberCode"');
    return { agent, login, page };
  }

  const go = async (at: SignIn, page: Page | Promise<Page>): Promise<SignIn> => ({ ...at, page: await at.agent.follow(await page, CALLBACK) });
  const submit = (at: SignIn, values: Record<string, string>) => go(at, at.agent.submit(at.page, values));
  const open = (at: SignIn, id: string) => go(at, at.agent.get(linkOn(at.page, id)));

  async function tokensOf(at: SignIn) {
    return completeLogin(config, at.login, callbackRequest(at.page, CALLBACK));
  }

  /** From the code page: "Try another way", "Use your emergency code", the code given. */
  async function withEmergencyCode(at: SignIn, code: string): Promise<SignIn> {
    const choices = await open(at, 'try-another-way');
    return submit(await open(choices, 'use-emergency-code'), { AuthCode: code });
  }

  it('lists the authenticator code and the emergency code as the other ways', async () => {
    const choices = await open(await atCodePage('olle@fri.se', 'Olle&Pass2025'), 'try-another-way');
    expect(choices.page.html).toContain('<h1>Choose another way to verify</h1>');
    expect(textOf(choices.page, 'two-factor')).toBe('Use the code from your authenticator app');
    expect(textOf(choices.page, 'use-emergency-code')).toBe('Use your emergency code');
  });

  it('does not offer an emergency code to a user who has none', async () => {
    const choices = await open(await atCodePage('nils@fri.se', 'Nils&Pass2025'), 'try-another-way');
    expect(elementById(choices.page, 'two-factor')).toBeDefined();
    expect(elementById(choices.page, 'use-emergency-code')).toBeUndefined();
  });

  it('signs in with the emergency code, asks whether the authenticator is lost, and with "I still have it" shows the new code and signs in with two factors', async () => {
    const emergencyPage = await open(await open(await atCodePage('olle@fri.se', 'Olle&Pass2025'), 'try-another-way'), 'use-emergency-code');
    expect(emergencyPage.page.html).toContain('<h1>Sign in with your emergency code</h1>');
    const wrong = await submit(emergencyPage, { AuthCode: 'ZZZZ-ZZZZ-ZZZZ-ZZZZ' });
    expect(validationMessages(wrong.page)).toEqual(['The emergency code is not correct.']);

    const question = await submit(wrong, { AuthCode: 'aaaa bbbb cccc dddd' });
    expect(question.page.html).toContain('<h1>Do you still have your authenticator app?</h1>');
    const kept = await submit(question, { Choice: 'kept' });
    const replacement = textOf(kept.page, 'emergency-code')!;
    expect(kept.page.html).toContain('You signed in with your emergency code, so it no longer works.');
    expect(replacement).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);

    const done = await submit(kept, {});
    expect((await tokensOf(done)).claims()).toMatchObject({ acr: '3', amr: ['pwd', 'otp', 'mfa'] });

    // The authenticator goes on working; the used code does not, the new one does.
    const next = await atCodePage('olle@fri.se', 'Olle&Pass2025');
    await control('/clock', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceSeconds: 30 }) });
    expect((await withEmergencyCode(next, OLLE_EMERGENCY)).page.html).toContain('The emergency code is not correct.');
    const withAuthenticator = await submit(next, { AuthCode: await codeOf(OLLE_SECRET) });
    expect((await tokensOf(withAuthenticator)).claims()).toMatchObject({ acr: '3' });
    expect((await withEmergencyCode(await atCodePage('olle@fri.se', 'Olle&Pass2025'), replacement)).page.html).toContain('<h1>Do you still have your authenticator app?</h1>');
  });

  it('re-enrolls a user who lost the authenticator: a new secret and a new emergency code; the old secret and the used code are refused, the new ones work', async () => {
    const question = await withEmergencyCode(await atCodePage('olle@fri.se', 'Olle&Pass2025'), OLLE_EMERGENCY);
    const wizard = await submit(question, { Choice: 'lost' });
    expect(wizard.page.html).toContain('<h1>Set up two-step verification</h1>');
    expect(wizard.page.html).toContain('Set up your new authenticator app. Codes from the old one no longer work once it is activated.');
    expect(wizard.page.html).not.toContain('Remind me later');
    const newSecret = textOf(wizard.page, 'totp-secret')!.replace(/\s/g, '');
    expect(newSecret).not.toBe(OLLE_SECRET);

    const wrong = await submit(wizard, { AuthCode: await codeOf(OLLE_SECRET) });
    expect(validationMessages(wrong.page)).toEqual(['The code is not correct. Check your authenticator app and try again.']);
    const enrolled = await submit(wrong, { AuthCode: await codeOf(newSecret) });
    expect(enrolled.page.html).toContain('<h1>Your emergency code</h1>');
    const newEmergency = textOf(enrolled.page, 'emergency-code')!;
    const done = await submit(enrolled, {});
    expect((await tokensOf(done)).claims()).toMatchObject({ acr: '3', amr: ['pwd', 'otp', 'mfa'] });

    await control('/clock', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceSeconds: 30 }) });
    const next = await atCodePage('olle@fri.se', 'Olle&Pass2025');
    expect(validationMessages((await submit(next, { AuthCode: await codeOf(OLLE_SECRET) })).page)).toEqual(['The code is not correct. Check your authenticator app and try again.']);
    expect((await control('/totp?email=olle@fri.se'))['code']).toBe(await codeOf(newSecret));
    expect(validationMessages((await withEmergencyCode(next, OLLE_EMERGENCY)).page)).toEqual(['The emergency code is not correct.']);
    const withNewApp = await submit(next, { AuthCode: await codeOf(newSecret) });
    expect((await tokensOf(withNewApp)).claims()).toMatchObject({ acr: '3' });
    expect((await withEmergencyCode(await atCodePage('olle@fri.se', 'Olle&Pass2025'), newEmergency)).page.html).toContain('<h1>Do you still have your authenticator app?</h1>');
  });

  it('asks the question again when neither answer is given', async () => {
    const question = await withEmergencyCode(await atCodePage('olle@fri.se', 'Olle&Pass2025'), OLLE_EMERGENCY);
    const unanswered = await go(question, question.agent.post(readForm(question.page).action, { Choice: 'maybe' }));
    expect(validationMessages(unanswered.page)).toEqual(['Choose whether you still have your authenticator app.']);
  });

  it('neither asks about the authenticator nor lets it be replaced before the emergency code is given', async () => {
    const at = await atCodePage('olle@fri.se', 'Olle&Pass2025');
    const base = at.page.url.replace(/\/two-factor$/, '');
    const question = await at.agent.get(`${base}/lost-authenticator`);
    expect(question.location).toBe(`${base}/two-factor`);
    const lost = await at.agent.post(`${base}/lost-authenticator`, { Choice: 'lost' });
    expect(lost.location).toBe(`${base}/two-factor`);
    const wizard = await at.agent.get(`${base}/enroll`);
    expect(wizard.location).toBe(`${base}/two-factor`);
    expect((await control('/totp?email=olle@fri.se'))['code']).toBe(await codeOf(OLLE_SECRET));
  });

  it('counts wrong emergency codes with wrong authenticator codes: five lock two-step verification', async () => {
    const at = await atCodePage('olle@fri.se', 'Olle&Pass2025');
    for (let i = 0; i < 4; i += 1) await submit(at, { AuthCode: '000000' });
    const emergencyPage = await open(await open(at, 'try-another-way'), 'use-emergency-code');
    const fifth = await submit(emergencyPage, { AuthCode: 'ZZZZ-ZZZZ-ZZZZ-ZZZZ' });
    expect(validationMessages(fifth.page)).toEqual(['Too many wrong codes. Two-step verification is locked for 5 minutes.']);
    const right = await submit(fifth, { AuthCode: OLLE_EMERGENCY });
    expect(validationMessages(right.page)).toEqual(['Too many wrong codes. Two-step verification is locked for 5 minutes.']);
  });

  it('takes one 2FA decision for the whole sign-in, the one after the password', async () => {
    const question = await withEmergencyCode(await atCodePage('olle@fri.se', 'Olle&Pass2025'), OLLE_EMERGENCY);
    const wizard = await submit(question, { Choice: 'lost' });
    const secret = textOf(wizard.page, 'totp-secret')!.replace(/\s/g, '');
    await tokensOf(await submit(await submit(wizard, { AuthCode: await codeOf(secret) }), {}));
    expect((await control('/decisions'))['decisions']).toEqual([expect.objectContaining({ stage: 'password', clientId: 'required-app', outcome: 'challenge', rule: 'required' })]);
  });
});
