import { randomBytes } from 'node:crypto';
import { createGuardrails, generate } from 'otplib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { appAnswer, authorizationRequest, authorizeUrl, loginPageOf, redeemCode, type AuthorizationRequest } from '../../provider/testing/sign-in.js';
import { elementById, formWith, readForms, textOf, UserAgent, validationMessages, type Form, type Page } from '../../provider/testing/web/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { postControl } from '../support/api-client.js';

const CALLBACK = 'http://localhost:3000/signin-oidc';
const PASSWORD = 'Lugn&Fin2025';
const EMERGENCY = 'AAAA-BBBB-CCCC-DDDD';
const LOST_KEY = randomBytes(16).toString('base64url');

const fixtures = {
  domains: [
    { name: 'krav.se', twoFactor: 'required' },
    { name: 'fri.se', twoFactor: 'optional' },
  ],
  clients: [{ clientId: 'hrm', name: 'Flex HRM', clientSecret: 'x', redirectUris: [CALLBACK] }],
  users: [
    { email: 'erik@krav.se', password: PASSWORD },
    { email: 'maja@fri.se', password: PASSWORD },
    { email: 'nils@krav.se', password: PASSWORD, emergencyCode: EMERGENCY, securityKeys: [{ name: 'YubiKey', credentialId: LOST_KEY }] },
  ],
};

describe('security keys in the one enrollment wizard, and reaching the emergency code without an authenticator app', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  const control = (path: string, body: unknown) => postControl(emulator.url, path, body);
  const linkOn = (page: Page, id: string) => new URL(elementById(page, id)!.attrs.find((attr) => attr.name === 'href')!.value, page.url).href;
  const emulatorNow = async () => ((await (await fetch(`${emulator.url}/_mock/clock`)).json()) as { now: number }).now;
  /** The wizard's links to the other methods: label → URL. */
  function otherMethods(page: Page): Record<string, string> {
    if (!elementById(page, 'other-methods')) return {};
    const links = page.html
      .slice(page.html.indexOf('id="other-methods"'))
      .split('</ul>')[0]!
      .matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g);
    return Object.fromEntries([...links].map(([, href, label]) => [label!, new URL(href!, page.url).href]));
  }
  const ceremonyForm = (page: Page): Form => readForms(page).find((form) => form.id === 'security-key-form' || form.id === 'enroll-security-key-form')!;

  /** The options the page's script would ask for (with the form's fields, its form token among them). */
  async function optionsOf(agent: UserAgent, form: Form): Promise<any> {
    const answer = await agent.post(`${form.action}/options`, Object.fromEntries(Object.entries(form.fields).filter(([name]) => !name.startsWith('WebAuthn'))));
    expect(answer.status).toBe(200);
    return JSON.parse(answer.html);
  }

  /** Registers a new security key on the wizard's security-key page, the control plane as the key: the page after the post. */
  async function registerKey(agent: UserAgent, page: Page, email: string, name = 'YubiKey 5'): Promise<{ page: Page; credentialId: string }> {
    const form = ceremonyForm(page);
    const { challenge } = await optionsOf(agent, form);
    const { status, body } = await control('/webauthn/attestation', { challenge, email });
    expect(status).toBe(200);
    return { page: await agent.submit(form, { Name: name, WebAuthnResponse: body.form.WebAuthnResponse }), credentialId: body.credentialId };
  }

  /** Answers the security-key 2FA page with the user's key (or the one named). */
  async function answerWithKey(agent: UserAgent, page: Page, assertion: Record<string, unknown>): Promise<Page> {
    const form = ceremonyForm(page);
    const { challenge } = await optionsOf(agent, form);
    const { body } = await control('/webauthn/assertion', { challenge, kind: 'security-key', ...assertion });
    return agent.follow(await agent.submit(form, { WebAuthnResponse: body.form.WebAuthnResponse }), CALLBACK);
  }

  async function signIn(agent: UserAgent, email: string): Promise<{ page: Page; login: AuthorizationRequest }> {
    const login = authorizationRequest('hrm', CALLBACK);
    const identifier = await agent.follow(await agent.get(authorizeUrl(emulator.url, login)));
    const password = await agent.follow(await agent.submit(formWith(identifier, 'Username')!, { Username: email }));
    return { login, page: await agent.follow(await agent.submit(formWith(password, 'Password')!, { Password: PASSWORD }), CALLBACK) };
  }

  async function claimsOf(page: Page, login: AuthorizationRequest) {
    const { code } = appAnswer(page)!;
    return (await redeemCode({ url: emulator.url, issuer: emulator.issuer }, login, code!, 'x')).claims;
  }

  async function accountSettings(agent: UserAgent, email: string): Promise<Page> {
    const identifier = await agent.follow(await agent.get(`${emulator.issuer}/account`));
    const password = await agent.follow(await agent.submit(formWith(identifier, 'Username')!, { Username: email }));
    return agent.follow(await agent.submit(formWith(password, 'Password')!, { Password: PASSWORD }));
  }

  it("links the wizard's pages to each other, at a sign-in and in Account Settings", async () => {
    const atSignIn = new UserAgent();
    const { page: wizard } = await signIn(atSignIn, 'erik@krav.se');
    expect(loginPageOf(wizard)).toBe('enroll');
    const keyUrl = otherMethods(wizard)['Use a security key instead of an app']!;
    expect(keyUrl).toMatch(/\/interaction\/[^/]+\/enroll\/security-key$/);
    const keyPage = await atSignIn.get(keyUrl);
    expect(keyPage.html).toContain('<h1>Set up two-step verification</h1>');
    expect(keyPage.html).toContain('Two-step verification is required for this sign-in. Set it up now to continue.');
    expect(otherMethods(keyPage)).toEqual({ 'Use an authenticator app': wizard.url });

    const inSettings = new UserAgent();
    await accountSettings(inSettings, 'maja@fri.se');
    const settingsWizard = await inSettings.get(`${emulator.issuer}/account/two-factor/setup`);
    expect(otherMethods(settingsWizard)).toEqual({ 'Use a security key instead of an app': `${emulator.issuer}/account/two-factor/setup/security-key` });
    const settingsKeyPage = await inSettings.get(`${emulator.issuer}/account/two-factor/setup/security-key`);
    expect(otherMethods(settingsKeyPage)).toEqual({ 'Use an authenticator app': `${emulator.issuer}/account/two-factor/setup` });
  });

  it('enrolls a security key at a sign-in, completes it with amr pwd, hwk, mfa, and asks for that key at the next sign-in', async () => {
    const agent = new UserAgent();
    const { page: wizard, login } = await signIn(agent, 'erik@krav.se');
    const keyPage = await agent.get(otherMethods(wizard)['Use a security key instead of an app']!);
    const cancelled = await agent.submit(ceremonyForm(keyPage), { WebAuthnError: 'NotAllowedError' });
    expect(validationMessages(cancelled)).toEqual(['The sign-in with your security key or biometrics was cancelled, or timed out. Try again.']);

    const tooLong = await registerKey(agent, cancelled, 'erik@krav.se', 'K'.repeat(65));
    expect(validationMessages(tooLong.page)).toEqual(['Enter a name of 1 to 64 characters.']);

    const { page: registered } = await registerKey(agent, tooLong.page, 'erik@krav.se');
    const codePage = await agent.follow(registered);
    expect(codePage.html).toContain('<h1>Your emergency code</h1>');
    expect(textOf(codePage, 'emergency-code')).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    const back = await agent.follow(await agent.submit(codePage, {}), CALLBACK);
    expect(await claimsOf(back, login)).toMatchObject({ amr: ['pwd', 'hwk', 'mfa'], acr: '3' });

    const next = new UserAgent();
    const { page: asked, login: again } = await signIn(next, 'erik@krav.se');
    expect(loginPageOf(asked)).toBe('security-key');
    expect(await claimsOf(await answerWithKey(next, asked, { email: 'erik@krav.se' }), again)).toMatchObject({ amr: ['pwd', 'hwk', 'mfa'] });
  });

  it('enrolls a security key from Account Settings: two-step verification is on with the key listed, and removing it takes the key away', async () => {
    const agent = new UserAgent();
    await accountSettings(agent, 'maja@fri.se');
    const keyPage = await agent.get(`${emulator.issuer}/account/two-factor/setup/security-key`);
    expect(keyPage.html).toContain('Protect your account with two-step verification.');
    const { page: done } = await registerKey(agent, keyPage, 'maja@fri.se', 'Nyckelring');
    expect(done.status).toBe(200);
    expect(done.html).toContain('<h1>Your emergency code</h1>');

    const overview = await agent.get(`${emulator.issuer}/account`);
    expect(overview.html).toContain('Two-step verification is on');
    expect(overview.html).toContain('Nyckelring');
    const again = await agent.get(`${emulator.issuer}/account/two-factor/setup/security-key`);
    expect(validationMessages(again)).toEqual(['Two-step verification is already on.']);

    const removed = await agent.submit(readForms(overview).find((form) => form.action.endsWith('/two-factor/remove'))!);
    expect(removed.html).toContain('Two-step verification was removed.');
    expect(removed.html).toContain('You have no passkeys or security keys.');
  });

  it('refuses a key registered for another website in the wizard, with the message on its page', async () => {
    const agent = new UserAgent();
    const { page: wizard } = await signIn(agent, 'erik@krav.se');
    const keyPage = await agent.get(otherMethods(wizard)['Use a security key instead of an app']!);
    const form = ceremonyForm(keyPage);
    const { challenge } = await optionsOf(agent, form);
    const { body } = await control('/webauthn/attestation', { challenge, email: 'erik@krav.se', origin: 'https://evil.example' });
    const refused = await agent.submit(form, { WebAuthnResponse: body.form.WebAuthnResponse });
    expect(refused.status).toBe(200);
    expect(validationMessages(refused)).toEqual(['The answer from your security key was made for another website, so it was not accepted.']);
  });

  describe('a user whose only second factor is a security key', () => {
    /** From the security-key page: "Try another way", "Use your emergency code", the code given. */
    async function withEmergencyCode(agent: UserAgent, keyPage: Page): Promise<Page> {
      const choices = await agent.get(linkOn(keyPage, 'try-another-way'));
      const form = await agent.get(linkOn(choices, 'use-emergency-code'));
      return agent.follow(await agent.submit(form, { AuthCode: EMERGENCY }));
    }

    it('offers the security key and the emergency code as the other ways, not an authenticator app', async () => {
      const agent = new UserAgent();
      const { page: keyPage } = await signIn(agent, 'nils@krav.se');
      expect(loginPageOf(keyPage)).toBe('security-key');
      const choices = await agent.get(linkOn(keyPage, 'try-another-way'));
      expect(textOf(choices, 'security-key')).toBe('Use your security key');
      expect(textOf(choices, 'use-emergency-code')).toBe('Use your emergency code');
      expect(elementById(choices, 'two-factor')).toBeUndefined();
      expect(linkOn(choices, 'security-key')).toBe(keyPage.url);
    });

    it('reaches the emergency code through "Try another way" and signs in with it: amr pwd, otp, mfa', async () => {
      const agent = new UserAgent();
      const { page: keyPage, login } = await signIn(agent, 'nils@krav.se');
      const question = await withEmergencyCode(agent, keyPage);
      expect(question.html).toContain('<h1>Do you still have your security key?</h1>');
      const kept = await agent.submit(question, { Choice: 'kept' });
      const codePage = await agent.follow(kept);
      expect(codePage.html).toContain('You signed in with your emergency code, so it no longer works.');
      const back = await agent.follow(await agent.submit(codePage, {}), CALLBACK);
      expect(await claimsOf(back, login)).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], acr: '3' });

      // The key goes on working.
      const next = new UserAgent();
      const { page: asked, login: again } = await signIn(next, 'nils@krav.se');
      expect(await claimsOf(await answerWithKey(next, asked, { credentialId: LOST_KEY }), again)).toMatchObject({ amr: ['pwd', 'hwk', 'mfa'] });
    });

    it('re-enrolls after a lost key: the new key signs in with hwk, the lost one no longer works', async () => {
      const agent = new UserAgent();
      const { page: keyPage, login } = await signIn(agent, 'nils@krav.se');
      const question = await withEmergencyCode(agent, keyPage);
      const wizard = await agent.follow(await agent.submit(question, { Choice: 'lost' }));
      expect(wizard.html).toContain('Set up a new security key or an authenticator app. The old security key no longer works once the new one is set up.');
      expect(wizard.html).not.toContain('Remind me later');
      const newKeyPage = await agent.get(otherMethods(wizard)['Use a security key instead of an app']!);
      const { page: registered, credentialId } = await registerKey(agent, newKeyPage, 'nils@krav.se');
      const back = await agent.follow(await agent.submit(await agent.follow(registered), {}), CALLBACK);
      expect(await claimsOf(back, login)).toMatchObject({ amr: ['pwd', 'hwk', 'mfa'] });

      const withLost = new UserAgent();
      const { page: asked } = await signIn(withLost, 'nils@krav.se');
      expect(validationMessages(await answerWithKey(withLost, asked, { credentialId: LOST_KEY }))).toEqual(['This passkey or security key is not registered to any account here. Use another one, or your password.']);
      const withNew = new UserAgent();
      const { page: askedAgain, login: again } = await signIn(withNew, 'nils@krav.se');
      expect(await claimsOf(await answerWithKey(withNew, askedAgain, { credentialId }), again)).toMatchObject({ amr: ['pwd', 'hwk', 'mfa'] });
    });

    it('re-enrolls with an authenticator app instead: the next sign-in asks for its code, not for the lost key', async () => {
      const agent = new UserAgent();
      const { page: keyPage } = await signIn(agent, 'nils@krav.se');
      const wizard = await agent.follow(await agent.submit(await withEmergencyCode(agent, keyPage), { Choice: 'lost' }));
      const secret = textOf(wizard, 'totp-secret')!.replace(/\s/g, '');
      const code = await generate({ secret, epoch: await emulatorNow(), guardrails: createGuardrails({ MIN_SECRET_BYTES: 10 }) });
      const enrolled = await agent.follow(await agent.submit(wizard, { AuthCode: code }));
      expect(enrolled.html).toContain('<h1>Your emergency code</h1>');
      await agent.follow(await agent.submit(enrolled, {}), CALLBACK);

      const next = new UserAgent();
      const { page: asked } = await signIn(next, 'nils@krav.se');
      expect(loginPageOf(asked)).toBe('challenge');
      expect(elementById(asked, 'security-key-form')).toBeUndefined();
    });
  });
});
