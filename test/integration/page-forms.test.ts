import type * as oidc from 'openid-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MESSAGES } from '../../provider/i18n/index.js';
import type { RunningEmulator } from '../../provider/index.js';
import { textOf } from '../../provider/testing/web/index.js';
import type { FormSelector } from '../../provider/testing/web/forms.js';
import { linkIn, mailClient } from '../support/api-client.js';
import { startTestEmulator } from '../support/emulator.js';
import { buildLogin, discover } from '../support/relying-party.js';
import { readForm, UserAgent, validationMessages, type Page } from '../support/user-agent.js';

const CALLBACK = 'http://localhost:4010/signin-oidc';
const OLLE_EMERGENCY = 'AAAA-BBBB-CCCC-DDDD';
const fixtures = {
  domains: [{ name: 'fri.se', twoFactor: 'optional' }],
  clients: [
    { clientId: 'adaptive-app', clientSecret: 'secret', redirectUris: [CALLBACK], includeCoreIdentityClaims: true },
    { clientId: 'required-app', clientSecret: 'secret', redirectUris: [CALLBACK], twoFactor: 'required', includeCoreIdentityClaims: true },
  ],
  users: [
    { email: 'olle@fri.se', password: 'Olle&Pass2025', totpSecret: 'KRUGS4ZANFZSA3LPMNVSAYLDMNXXK3TU', emergencyCode: OLLE_EMERGENCY },
    { email: 'nya@fri.se', password: 'Nya&Pass2025' },
  ],
};

const en = MESSAGES.en;
const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
/** Past every field's limit, within the 64 KiB a body may have. */
const LONG = 'a'.repeat(10_000);

interface At {
  agent: UserAgent;
  page: Page;
  /** Which form of the page, when it has several. */
  form?: FormSelector;
}

/** What the page should show after a refused field: the message in the validation summary, or in an element of its own. */
type Shown = { summary: string } | { element: string; text: string | RegExp };

describe('page forms read through their schemas: a field too long or of the wrong kind re-renders the page with its message', () => {
  let emulator: RunningEmulator;
  let adaptive: oidc.Configuration;
  let required: oidc.Configuration;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
    adaptive = await discover(emulator.issuer, 'adaptive-app', 'secret');
    required = await discover(emulator.issuer, 'required-app', 'secret');
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  const totpOf = async (email: string) => ((await (await fetch(`${emulator.url}/_mock/totp?email=${email}`)).json()) as { code: string }).code;
  const mailCount = async () => (await mailClient(emulator).messages())!.total;

  /** Posts the page's form with every field as the page has it, except `fields` (a list sends the name once per value): a hand-made post. */
  async function postWith({ agent, page, form: selector }: At, fields: Record<string, string | string[]>): Promise<Page> {
    const form = readForm(page, selector);
    const entries = form.entries.filter(([name]) => !Object.hasOwn(fields, name));
    for (const [name, value] of Object.entries(fields)) for (const one of [value].flat()) entries.push([name, one]);
    return agent.follow(await agent.post(form.action, entries), CALLBACK);
  }

  async function identifierPage(config = adaptive): Promise<At> {
    const agent = new UserAgent();
    const login = await buildLogin(config, { redirectUri: CALLBACK });
    return { agent, page: await agent.follow(await agent.get(login.url.href), CALLBACK) };
  }
  async function passwordPage(email: string, config = adaptive): Promise<At> {
    const at = await identifierPage(config);
    return { ...at, page: await at.agent.follow(await at.agent.submit(at.page, { Username: email }), CALLBACK) };
  }
  async function afterPassword(email: string, password: string, config = required): Promise<At> {
    const at = await passwordPage(email, config);
    return { ...at, page: await at.agent.follow(await at.agent.submit(at.page, { Password: password }), CALLBACK) };
  }
  const codePage = () => afterPassword('olle@fri.se', 'Olle&Pass2025');
  const enrollPage = () => afterPassword('nya@fri.se', 'Nya&Pass2025');
  async function emergencyCodePage(): Promise<At> {
    const at = await codePage();
    return { ...at, page: await at.agent.get(`${readForm(at.page).action.replace(/\/two-factor$/, '')}/use-emergency-code`) };
  }
  async function lostAuthenticatorPage(): Promise<At> {
    const at = await emergencyCodePage();
    return { ...at, page: await at.agent.follow(await at.agent.submit(at.page, { AuthCode: OLLE_EMERGENCY }), CALLBACK) };
  }
  async function forgotInSignIn(): Promise<At> {
    const at = await passwordPage('olle@fri.se');
    return { ...at, page: await at.agent.get(`${readForm(at.page).action.replace(/\/password$/, '')}/forgot`) };
  }
  async function forgotPassword(): Promise<At> {
    const agent = new UserAgent();
    return { agent, page: await agent.get(`${emulator.issuer}/forgot-password`) };
  }
  async function resetPasswordPage(): Promise<At> {
    const at = await forgotPassword();
    await at.agent.submit(at.page, { Username: 'nya@fri.se' });
    const agent = new UserAgent();
    return { agent, page: await agent.get(linkIn((await mailClient(emulator).latestTo('nya@fri.se'))!.text, '/reset-password')) };
  }
  async function accountSettings(form: FormSelector): Promise<At> {
    const agent = new UserAgent();
    let page = await agent.follow(await agent.get(`${emulator.issuer}/account`));
    page = await agent.follow(await agent.submit(page, { Username: 'nya@fri.se' }));
    page = await agent.follow(await agent.submit(page, { Password: 'Nya&Pass2025' }));
    expect(page.url).toBe(`${emulator.issuer}/account`);
    return { agent, page, form };
  }
  async function controlRoom(id: string): Promise<At> {
    const agent = new UserAgent({ headers: HTML });
    return { agent, page: await agent.get(`${emulator.url}/_mock`), form: { id } };
  }

  /** The form_post page that hands the app its code. */
  function expectBackAtTheApp(page: Page): void {
    const form = readForm(page);
    expect(form.action).toBe(CALLBACK);
    expect(form.fields['code']).toMatch(/^\S+$/);
  }

  const cases: { form: string; at: () => Promise<At>; fields: Record<string, string | string[]>; status: number; shows: Shown }[] = [
    { form: 'identifier: an address too long to be one', at: identifierPage, fields: { Username: `${LONG}@fri.se` }, status: 200, shows: { summary: en.emailInvalid } },
    { form: 'identifier: the address sent twice', at: identifierPage, fields: { Username: ['olle@fri.se', 'nya@fri.se'] }, status: 200, shows: { summary: en.emailInvalid } },
    { form: 'identifier: a checkbox with a value the page does not give it', at: identifierPage, fields: { Username: 'olle@fri.se', SaveEmail: 'maybe' }, status: 200, shows: { summary: en.formNotAsSent } },
    { form: 'password: longer than any password may be', at: () => passwordPage('olle@fri.se'), fields: { Password: LONG }, status: 200, shows: { summary: en.wrongCredentials } },
    { form: 'password: sent twice', at: () => passwordPage('olle@fri.se'), fields: { Password: ['Olle&Pass2025', 'x'] }, status: 200, shows: { summary: en.wrongCredentials } },
    { form: '2FA code: too long to be a code', at: codePage, fields: { AuthCode: LONG }, status: 200, shows: { summary: en.codeWrong } },
    { form: '2FA code: sent twice', at: codePage, fields: { AuthCode: ['123456', '654321'] }, status: 200, shows: { summary: en.codeWrong } },
    { form: '2FA code: "remember this device" sent twice', at: codePage, fields: { AuthCode: '123456', RememberCode: ['true', 'true'] }, status: 200, shows: { summary: en.formNotAsSent } },
    { form: 'emergency code: too long to be one', at: emergencyCodePage, fields: { AuthCode: LONG }, status: 200, shows: { summary: en.emergencyCodeWrong } },
    { form: 'emergency code: sent twice', at: emergencyCodePage, fields: { AuthCode: [OLLE_EMERGENCY, OLLE_EMERGENCY] }, status: 200, shows: { summary: en.emergencyCodeWrong } },
    { form: 'lost authenticator: both answers at once', at: lostAuthenticatorPage, fields: { Choice: ['lost', 'kept'] }, status: 200, shows: { summary: en.lostAuthenticatorChoose } },
    { form: 'enrollment: a confirming code too long to be one', at: enrollPage, fields: { AuthCode: LONG }, status: 200, shows: { summary: en.codeWrong } },
    { form: 'forgot password in a sign-in: an address too long to be one', at: forgotInSignIn, fields: { Username: `${LONG}@fri.se` }, status: 200, shows: { summary: en.emailInvalid } },
    { form: 'forgot password in a sign-in: a mail the page does not offer', at: forgotInSignIn, fields: { Username: 'olle@fri.se', Choice: 'both' }, status: 200, shows: { summary: en.formNotAsSent } },
    { form: 'forgot password: the address sent twice', at: forgotPassword, fields: { Username: ['olle@fri.se', 'nya@fri.se'] }, status: 200, shows: { summary: en.emailInvalid } },
    { form: 'reset password: longer than Visma allows', at: resetPasswordPage, fields: { Password: `Aa1&${'a'.repeat(509)}`, ConfirmPassword: `Aa1&${'a'.repeat(509)}` }, status: 200, shows: { summary: en.passwordTooLong } },
    { form: 'reset password: the confirmation sent twice', at: resetPasswordPage, fields: { Password: 'Brand&New2026', ConfirmPassword: ['Brand&New2026', 'Brand&New2026'] }, status: 200, shows: { summary: en.passwordsDiffer } },
    {
      form: 'account settings, password: a current password too long to be one',
      at: () => accountSettings({ action: '/account/password' }),
      fields: { CurrentPassword: LONG, Password: 'Brand&New2026', ConfirmPassword: 'Brand&New2026' },
      status: 200,
      shows: { summary: en.currentPasswordWrong },
    },
    {
      form: 'account settings, password: a new password longer than Visma allows',
      at: () => accountSettings({ action: '/account/password' }),
      fields: { CurrentPassword: 'Nya&Pass2025', Password: `Aa1&${'a'.repeat(509)}`, ConfirmPassword: `Aa1&${'a'.repeat(509)}` },
      status: 200,
      shows: { summary: en.passwordTooLong },
    },
    { form: 'account settings, mails: both buttons at once', at: () => accountSettings({ action: '/account/links' }), fields: { Choice: ['reset', 'link'] }, status: 200, shows: { summary: en.formNotAsSent } },
    { form: 'control room, clock: a date too long to be one', at: () => controlRoom('clock-to-form'), fields: { to: LONG }, status: 400, shows: { element: 'clock-error', text: 'to must be one text of at most 64 characters' } },
    {
      form: 'control room, risk: a trusted network neither yes nor no',
      at: () => controlRoom('risk-form'),
      fields: { trustedNetwork: 'maybe' },
      status: 400,
      shows: { element: 'risk-error', text: 'trustedNetwork must be empty, true or false' },
    },
    {
      form: 'control room, fault: the count sent twice',
      at: () => controlRoom('fault-form'),
      fields: { count: ['1', '2'], status: '503' },
      status: 400,
      shows: { element: 'fault-error', text: 'count must be one text of at most 16 characters' },
    },
    {
      form: 'control room, fixtures: neither check nor apply',
      at: () => controlRoom('fixtures-form'),
      fields: { yaml: 'users: []', action: 'delete' },
      status: 400,
      shows: { element: 'fixture-problems', text: /action: must be check or apply/ },
    },
  ];

  it.each(cases)('$form', async ({ at, fields, status, shows }) => {
    const before = await at();
    const page = await postWith(before, fields);
    expect(page.status).toBe(status);
    if ('summary' in shows) expect(validationMessages(page)).toEqual([shows.summary]);
    else expect(textOf(page, shows.element)).toMatch(shows.text);
    // The same page, its form ready to be sent again.
    expect(readForm(page, before.form).action).toBe(readForm(before.page, before.form).action);
  });

  it('takes no guess from a code too long to be one: five of them do not lock 2FA, and the right code still signs in', async () => {
    const at = await codePage();
    let page = at.page;
    for (let i = 0; i < 5; i++) page = await postWith({ ...at, page }, { AuthCode: LONG });
    expect(validationMessages(page)).toEqual([en.codeWrong]);
    const signedIn = await at.agent.follow(await at.agent.submit(page, { AuthCode: await totpOf('olle@fri.se') }), CALLBACK);
    expectBackAtTheApp(signedIn);
  });

  it('checks no password too long to be one: eight of them do not lock the account', async () => {
    const at = await passwordPage('nya@fri.se');
    let page = at.page;
    for (let i = 0; i < 8; i++) page = await postWith({ ...at, page }, { Password: LONG });
    expect(validationMessages(page)).toEqual([en.wrongCredentials]);
    const signedIn = await at.agent.follow(await at.agent.submit(page, { Password: 'Nya&Pass2025' }), CALLBACK);
    expectBackAtTheApp(signedIn);
  });

  it('sends no mail for a refused forgot-password form', async () => {
    const before = await mailCount();
    const page = await postWith(await forgotPassword(), { Username: 'olle@fri.se', Choice: ['reset', 'link'] });
    expect(validationMessages(page)).toEqual([en.formNotAsSent]);
    expect(await mailCount()).toBe(before);
  });

  it('refuses a form token sent twice as it refuses a wrong one', async () => {
    const at = await accountSettings({ action: '/account/links' });
    const token = readForm(at.page, at.form).fields['__RequestVerificationToken']!;
    const page = await postWith(at, { __RequestVerificationToken: [token, token], Choice: 'reset' });
    expect(page.status).toBe(403);
    expect(page.html).toContain(en.formRefusedTitle);
  });

  it('answers a page body past 64 KiB with 413 and a page, unread', async () => {
    const { agent, page: identifier } = await identifierPage();
    const page = await agent.post(readForm(identifier).action, { Username: 'a'.repeat(100_000) }, HTML);
    expect(page.status).toBe(413);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('refuses a form-posted authorization response whose state is sent twice, in the sign-in debugger', async () => {
    const page = await new UserAgent().post(`${emulator.url}/_mock/debugger/callback`, [
      ['state', 'a'],
      ['state', 'b'],
      ['code', 'x'],
    ]);
    expect(page.status).toBe(400);
    expect(page.html).toContain('Malformed response');
    expect(page.html).toContain('state is not one text of at most 4096 characters');
  });

  it("refuses a debugger start form whose login hint is too long to be an address, on the form's page", async () => {
    const agent = new UserAgent({ headers: HTML });
    const page = await agent.get(`${emulator.issuer}/_mock/debugger/start?client=adaptive-app&login_hint=${LONG}`);
    expect(page.status).toBe(400);
    expect(validationMessages(page)).toEqual(['The login hint is an e-mail address (no spaces, at most 254 characters).']);
  });
});
