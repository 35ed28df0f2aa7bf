import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { appAnswer, authorizationRequest, authorizeUrl } from '../../provider/testing/sign-in.js';
import { formWith, readForms, UserAgent, validationMessages, type Form, type Page } from '../../provider/testing/web/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { postControl } from '../support/api-client.js';

const CALLBACK = 'http://localhost:3000/signin-oidc';
const PASSWORD = 'Lugn&Fin2025';
const EMERGENCY_CODE = 'AAAA-BBBB-CCCC-DDDD';

const fixtures = {
  domains: [{ name: 'krav.se', twoFactor: 'required' }],
  clients: [{ clientId: 'hrm', clientSecret: 'x', redirectUris: [CALLBACK], grantTypes: ['authorization_code', 'refresh_token'], scopes: ['openid', 'profile', 'email', 'offline_access'] }],
  users: [
    { email: 'sara.ek@example.se', password: PASSWORD, passkeys: [{ name: 'Laptop' }] },
    { email: 'olle.bar@example.se', password: PASSWORD },
    { email: 'kim.lind@krav.se', password: PASSWORD, securityKeys: [{ name: 'Nyckel A' }, { name: 'Nyckel B' }] },
    { email: 'tova.kod@example.se', password: PASSWORD, totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', emergencyCode: EMERGENCY_CODE },
  ],
};

const noServerError = (pages: Page[]) => expect(pages.map((page) => page.status).filter((status) => status >= 500)).toEqual([]);

describe('what the new routes make single use, taken by concurrent callers', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  const control = async (path: string, body: unknown) => (await postControl(emulator.url, path, body)).body as { credentialId: string; counter: number; form: { WebAuthnResponse: string } };
  const formEnding = (page: Page, ending: string): Form => readForms(page).find((form) => form.action.endsWith(ending))!;

  /** Signs in to Account Settings with the password (the users here have no second factor to give): the overview. */
  async function accountSettings(agent: UserAgent, email: string): Promise<Page> {
    const identifier = await agent.follow(await agent.get(`${emulator.issuer}/account`));
    const password = await agent.follow(await agent.submit(formWith(identifier, 'Username')!, { Username: email }));
    const overview = await agent.follow(await agent.submit(formWith(password, 'Password')!, { Password: PASSWORD }));
    expect(overview.html).toContain('id="account-email"');
    return overview;
  }

  /** The overview's passkey form, and the control plane's attestation for the options it gives. */
  async function newPasskeyAnswer(agent: UserAgent, overview: Page, email: string): Promise<{ form: Form; answer: { credentialId: string; form: { WebAuthnResponse: string } } }> {
    const form = formEnding(overview, '/account/passkeys');
    const token = form.controls.find((control) => control.name === '__RequestVerificationToken')!.value;
    const options = JSON.parse((await agent.post(`${form.action}/options`, { __RequestVerificationToken: token })).html) as { challenge: string };
    return { form, answer: await control('/webauthn/attestation', { challenge: options.challenge, email, kind: 'passkey' }) };
  }

  const credentialRows = (page: Page) => [...page.html.matchAll(/\/account\/credentials\/([\w-]+)\/rename/g)].map((match) => match[1]);

  it('registers a passkey once when the same answer is posted twice at once in Account Settings', async () => {
    const agent = new UserAgent();
    const overview = await accountSettings(agent, 'olle.bar@example.se');
    const { form, answer } = await newPasskeyAnswer(agent, overview, 'olle.bar@example.se');
    const pages = await Promise.all([1, 2].map(() => agent.submit(form, answer.form)));
    noServerError(pages);
    expect(pages.flatMap(validationMessages)).toEqual(['This answer from your security key has already been used or has expired. Try again.']);
    expect(credentialRows(await agent.get(`${emulator.issuer}/account`))).toEqual([answer.credentialId]);
  });

  it('keeps both writes when a passkey is registered while the same account signs in with its other passkey', async () => {
    const settings = new UserAgent();
    const overview = await accountSettings(settings, 'sara.ek@example.se');
    const [laptop] = credentialRows(overview);
    const { form, answer } = await newPasskeyAnswer(settings, overview, 'sara.ek@example.se');

    const signIn = new UserAgent();
    const login = authorizationRequest('hrm', CALLBACK);
    const identifier = await signIn.follow(await signIn.get(authorizeUrl(emulator.url, login)));
    const passkeyForm = formEnding(identifier, '/passkey');
    const options = JSON.parse((await signIn.post(`${passkeyForm.action}/options`, {})).html) as { challenge: string };
    const assertion = await control('/webauthn/assertion', { challenge: options.challenge, email: 'sara.ek@example.se' });

    const [registered, signedIn] = await Promise.all([settings.submit(form, answer.form), signIn.follow(await signIn.submit(passkeyForm, assertion.form), CALLBACK)]);
    noServerError([registered, signedIn]);
    expect(validationMessages(registered)).toEqual([]);
    expect(appAnswer(signedIn)?.code).toBeDefined();
    expect(credentialRows(await settings.get(`${emulator.issuer}/account`)).sort()).toEqual([laptop, answer.credentialId].sort());

    // The sign-in's counter was kept too: the same counter again is a replay.
    const again = new UserAgent();
    const next = await again.follow(await again.get(authorizeUrl(emulator.url, authorizationRequest('hrm', CALLBACK))));
    const nextForm = formEnding(next, '/passkey');
    const nextOptions = JSON.parse((await again.post(`${nextForm.action}/options`, {})).html) as { challenge: string };
    const replayed = await control('/webauthn/assertion', { challenge: nextOptions.challenge, email: 'sara.ek@example.se', counter: assertion.counter });
    expect(validationMessages(await again.submit(nextForm, replayed.form))).toEqual(['This answer from your security key has already been used or has expired. Try again.']);
  });

  it('signs in with a new passkey while it is being registered either after the registration or not at all, and registers it once', async () => {
    const settings = new UserAgent();
    const overview = await accountSettings(settings, 'olle.bar@example.se');
    const { form, answer } = await newPasskeyAnswer(settings, overview, 'olle.bar@example.se');

    const signIn = new UserAgent();
    const identifier = await signIn.follow(await signIn.get(authorizeUrl(emulator.url, authorizationRequest('hrm', CALLBACK))));
    const passkeyForm = formEnding(identifier, '/passkey');
    const options = JSON.parse((await signIn.post(`${passkeyForm.action}/options`, {})).html) as { challenge: string };
    const assertion = await control('/webauthn/assertion', { challenge: options.challenge, credentialId: answer.credentialId });

    const [registered, signedIn] = await Promise.all([settings.submit(form, answer.form), signIn.follow(await signIn.submit(passkeyForm, assertion.form), CALLBACK)]);
    noServerError([registered, signedIn]);
    expect(validationMessages(registered)).toEqual([]);
    const outcome = appAnswer(signedIn)?.code !== undefined ? 'signed in' : validationMessages(signedIn).join(' ');
    expect(['signed in', 'This passkey or security key is not registered to any account here. Use another one, or your password.']).toContain(outcome);
    expect(credentialRows(await settings.get(`${emulator.issuer}/account`))).toEqual([answer.credentialId]);
  });

  it('keeps one second factor of a user whose domain requires 2FA when both are deleted at once', async () => {
    const agent = new UserAgent();
    const identifier = await agent.follow(await agent.get(`${emulator.issuer}/account`));
    const password = await agent.follow(await agent.submit(formWith(identifier, 'Username')!, { Username: 'kim.lind@krav.se' }));
    const keyPage = await agent.follow(await agent.submit(formWith(password, 'Password')!, { Password: PASSWORD }));
    const keyForm = formEnding(keyPage, '/security-key');
    const options = JSON.parse((await agent.post(`${keyForm.action}/options`, {})).html) as { challenge: string };
    const answer = await control('/webauthn/assertion', { challenge: options.challenge, email: 'kim.lind@krav.se', kind: 'security-key' });
    const overview = await agent.follow(await agent.submit(keyForm, answer.form));
    const deletes = readForms(overview).filter((form) => form.action.endsWith('/delete'));
    expect(deletes).toHaveLength(2);

    const pages = await Promise.all(deletes.map((form) => agent.submit(form)));
    noServerError(pages);
    expect(pages.flatMap(validationMessages)).toEqual(['Your organisation requires two-step verification and this is your only second step, so it cannot be deleted.']);
    expect(credentialRows(await agent.get(`${emulator.issuer}/account`))).toHaveLength(1);
  });

  it('lets one of two concurrent posts of the same emergency code through, and counts the other as wrong', async () => {
    const agent = new UserAgent();
    const identifier = await agent.follow(await agent.get(authorizeUrl(emulator.url, authorizationRequest('hrm', CALLBACK))));
    const password = await agent.follow(await agent.submit(formWith(identifier, 'Username')!, { Username: 'tova.kod@example.se' }));
    const challenge = await agent.follow(await agent.submit(formWith(password, 'Password')!, { Password: PASSWORD }));
    const emergencyPage = await agent.get(challenge.url.replace(/\/two-factor$/, '/use-emergency-code'));
    const form = formWith(emergencyPage, 'AuthCode')!;
    const pages = await Promise.all([1, 2].map(() => agent.submit(form, { AuthCode: EMERGENCY_CODE })));
    noServerError(pages);
    expect(pages.filter((page) => page.location?.endsWith('/lost-authenticator'))).toHaveLength(1);
    expect(pages.flatMap(validationMessages)).toHaveLength(1);
  });

  it('finishes a sign-in once, with one code, when "Not now" on the passkey offer is pressed twice at once', async () => {
    const agent = new UserAgent();
    const identifier = await agent.follow(await agent.get(authorizeUrl(emulator.url, authorizationRequest('hrm', CALLBACK))));
    const password = await agent.follow(await agent.submit(formWith(identifier, 'Username')!, { Username: 'olle.bar@example.se' }));
    const offer = await agent.follow(await agent.submit(formWith(password, 'Password')!, { Password: PASSWORD, PasskeyCapable: 'true' }));
    const skip = formEnding(offer, '/passkey-offer/skip');
    const pages = await Promise.all([1, 2].map(async () => agent.follow(await agent.submit(skip), CALLBACK)));
    noServerError(pages);
    expect(pages.filter((page) => appAnswer(page)?.code !== undefined)).toHaveLength(1);
    expect(pages.filter((page) => page.status === 400)).toHaveLength(1);
  });

  it('finishes a sign-in once, with one code, when "Continue" under the new emergency code is pressed twice at once', async () => {
    const agent = new UserAgent();
    const identifier = await agent.follow(await agent.get(authorizeUrl(emulator.url, authorizationRequest('hrm', CALLBACK))));
    const password = await agent.follow(await agent.submit(formWith(identifier, 'Username')!, { Username: 'tova.kod@example.se' }));
    const challenge = await agent.follow(await agent.submit(formWith(password, 'Password')!, { Password: PASSWORD }));
    const emergencyPage = await agent.get(challenge.url.replace(/\/two-factor$/, '/use-emergency-code'));
    const question = await agent.follow(await agent.submit(formWith(emergencyPage, 'AuthCode')!, { AuthCode: EMERGENCY_CODE }));
    const newCode = await agent.follow(await agent.submit(question, { Choice: 'kept' }));
    const pages = await Promise.all([1, 2].map(async () => agent.follow(await agent.submit(newCode), CALLBACK)));
    noServerError(pages);
    expect(pages.filter((page) => appAnswer(page)?.code !== undefined)).toHaveLength(1);
    expect(pages.filter((page) => page.status === 400)).toHaveLength(1);
  });

  describe('the sign-in debugger', () => {
    /** A debugger sign-in as olle, stopped where the emulator sends the browser back to the debugger's callback. */
    async function atCallback(agent: UserAgent): Promise<string> {
      const stopAt = `${emulator.issuer}/_mock/debugger/callback`;
      let page = await agent.follow(await agent.get(`${emulator.url}/_mock/debugger/start?client=hrm&login_hint=olle.bar@example.se&scope=openid+offline_access`), stopAt);
      page = await agent.follow(await agent.submit(formWith(page, 'Username') ?? page, { Username: 'olle.bar@example.se' }), stopAt);
      page = await agent.follow(await agent.submit(formWith(page, 'Password')!, { Password: PASSWORD }), stopAt);
      expect(page.location).toContain('code=');
      return page.location!;
    }

    it('redeems a run once when its callback arrives twice at once: one result, one refusal, never a 5xx', async () => {
      const agent = new UserAgent();
      const callback = await atCallback(agent);
      const pages = await Promise.all([1, 2].map(() => agent.get(callback)));
      noServerError(pages);
      expect(pages.filter((page) => page.location?.endsWith('/_mock/debugger/result'))).toHaveLength(1);
      const result = await agent.get(`${emulator.issuer}/_mock/debugger/result`);
      expect(result.status).toBe(200);
    });

    it('refreshes and signs out a run at once without a 5xx', async () => {
      const agent = new UserAgent();
      await agent.get(await atCallback(agent));
      const result = await agent.get(`${emulator.issuer}/_mock/debugger/result`);
      const refresh = formEnding(result, '/refresh');
      const signOut = formEnding(result, '/sign-out');
      const pages = await Promise.all([agent.submit(refresh), agent.submit(refresh), agent.submit(signOut)]);
      noServerError(pages);
      noServerError([await agent.get(`${emulator.issuer}/_mock/debugger/result`)]);
    });
  });
});
