import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { linkIn, mailClient } from '../support/api-client.js';
import { startTestEmulator } from '../support/emulator.js';
import { buildLogin, callbackRequest, completeLogin, discover } from '../support/relying-party.js';
import { readForm, UserAgent, validationMessages, type Page } from '../support/user-agent.js';

const CALLBACK = 'http://localhost:3000/signin-oidc';
const fixtures = {
  clients: [{ clientId: 'hrm', clientSecret: 'x', redirectUris: [CALLBACK] }],
  users: [
    { email: 'lena@example.se', password: 'Start&Pass2025', givenName: 'Lena', locale: 'en-GB' },
    { email: 'nils@example.se', password: 'Nils&Pass2025', locale: 'en-GB' },
  ],
};

describe('passwords, lockout and mailed links', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  const clock = (advanceSeconds: number) => fetch(`${emulator.url}/_mock/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceSeconds }) });
  const latestMail = async () => (await mailClient(emulator).latestTo('lena@example.se'))!;
  const mailCount = async () => (await mailClient(emulator).messages())!.total;

  async function requestMail(choice: 'reset' | 'link', email = 'lena@example.se'): Promise<Page> {
    const agent = new UserAgent();
    const form = await agent.get(`${emulator.issuer}/forgot-password`);
    return agent.post(readForm(form).action, { Username: email, Choice: choice });
  }

  async function openResetLink(): Promise<{ agent: UserAgent; page: Page }> {
    await requestMail('reset');
    const agent = new UserAgent();
    return { agent, page: await agent.get(linkIn((await latestMail()).text, '/reset-password')) };
  }

  async function resetPasswordTo(password: string): Promise<Page> {
    const { agent, page } = await openResetLink();
    return agent.post(readForm(page).action, { Password: password, ConfirmPassword: password });
  }

  const passwordAttempt = (agent: UserAgent, password: string): Promise<Page> => passwordAttemptAs(agent, 'lena@example.se', password);

  async function passwordAttemptAs(agent: UserAgent, email: string, password: string): Promise<Page> {
    const query = new URLSearchParams({ client_id: 'hrm', response_type: 'code', scope: 'openid', redirect_uri: CALLBACK, code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' });
    let page = await agent.follow(await agent.get(`${emulator.issuer}/connect/authorize?${query}`), CALLBACK);
    page = await agent.follow(await agent.post(readForm(page).action, { Username: email }), CALLBACK);
    return agent.post(readForm(page).action, { Password: password });
  }

  describe('the password policy on the set-password page', () => {
    it.each([
      ['Ab1!', ['The password must be at least 8 characters long.']],
      ['abcdefgh!', ['The password must contain a digit.', 'The password must contain an upper-case letter.']],
      ['ABCDEFG1!', ['The password must contain a lower-case letter.']],
      ['Abcdefgh1', ['The password must contain a special character, such as ! or #.']],
      ['summer2025!'.replace('s', 'S'), ['This password appears in lists of leaked passwords. Choose another one.']],
      // A listed password with a NUL after it would be that password to scrypt.
      ['Summer2025!\u0000', ['The password cannot contain control characters, such as a line break or a tab.']],
      ['Ny\tPass2026!', ['The password cannot contain control characters, such as a line break or a tab.']],
    ])('refuses %j with a message per broken rule', async (password, messages) => {
      expect(validationMessages(await resetPasswordTo(password))).toEqual(messages);
    });

    it('refuses two passwords that differ', async () => {
      const { agent, page } = await openResetLink();
      const answer = await agent.post(readForm(page).action, { Password: 'Good&Pass2026', ConfirmPassword: 'Good&Pass2027' });
      expect(validationMessages(answer)).toEqual(['The two passwords are not the same.']);
    });

    it('refuses any of the last five passwords, and allows the sixth one back', async () => {
      expect(validationMessages(await resetPasswordTo('Start&Pass2025'))).toEqual(['You have used this password recently. Choose one you have not used for your last 5 passwords.']);
      for (const next of ['Second&Pass1', 'Third&Pass1', 'Fourth&Pass1', 'Fifth&Pass1']) expect((await resetPasswordTo(next)).html).toContain('Your password is changed');
      expect(validationMessages(await resetPasswordTo('Second&Pass1'))).toHaveLength(1);
      expect((await resetPasswordTo('Sixth&Pass1')).html).toContain('Your password is changed');
      expect((await resetPasswordTo('Start&Pass2025')).html).toContain('Your password is changed');
    });
  });

  describe('reset links', () => {
    it('work once', async () => {
      const { agent, page } = await openResetLink();
      const done = await agent.post(readForm(page).action, { Password: 'Good&Pass2026', ConfirmPassword: 'Good&Pass2026' });
      expect(done.html).toContain('Your password is changed');
      const again = await agent.post(readForm(page).action, { Password: 'Other&Pass2026', ConfirmPassword: 'Other&Pass2026' });
      expect(again.status).toBe(400);
      expect(again.html).toContain('The link has expired or has already been used.');
      expect(again.html).toContain('<a id="message-link" href="/forgot-password">Ask for a new e-mail</a>');
      expect((await passwordAttempt(new UserAgent(), 'Good&Pass2026')).location).toMatch(/\/connect\/authorize\//);
    });

    it('stop working, with every one-time link mailed before, once the password is changed by another', async () => {
      await requestMail('reset');
      const older = linkIn((await latestMail()).text, '/reset-password');
      await requestMail('link');
      const oneTime = linkIn((await latestMail()).text, '/one-time-link');
      // A newer link alone does not end the older one (as ASP.NET Identity's tokens do not)...
      const { agent, page } = await openResetLink();
      expect((await new UserAgent().get(older)).status).toBe(200);
      // ...a new password does.
      expect((await agent.post(readForm(page).action, { Password: 'Good&Pass2026', ConfirmPassword: 'Good&Pass2026' })).html).toContain('Your password is changed');
      for (const link of [older, oneTime]) {
        const browser = new UserAgent();
        const answer = await browser.follow(await browser.get(link));
        expect(answer.status).toBe(400);
        expect(answer.html).toContain('The link has expired or has already been used.');
      }
    });

    it('expire after an hour on the emulator clock', async () => {
      await requestMail('reset');
      const link = linkIn((await latestMail()).text, '/reset-password');
      await clock(3601);
      expect((await new UserAgent().get(link)).status).toBe(400);
    });

    it('are not sent for an address without an account, though the page reads the same', async () => {
      const before = await mailCount();
      const page = await requestMail('reset', 'nobody@example.se');
      expect(page.html).toContain('If there is a Visma Connect account for nobody@example.se, an e-mail is on its way to it.');
      expect(await mailCount()).toBe(before);
    });
  });

  describe('lockout', () => {
    it('locks the account for 30 minutes after 8 wrong passwords, even against the right one', async () => {
      const agent = new UserAgent();
      for (let i = 0; i < 7; i += 1) expect(validationMessages(await passwordAttempt(agent, 'Wrong&Pass1'))).toEqual(['The email address or password is incorrect.']);
      expect(validationMessages(await passwordAttempt(agent, 'Wrong&Pass1'))).toEqual(['Too many failed sign-in attempts. The account is locked for 30 minutes.']);
      expect(validationMessages(await passwordAttempt(agent, 'Start&Pass2025'))).toEqual(['Too many failed sign-in attempts. The account is locked for 30 minutes.']);
      await clock(30 * 60 + 1);
      expect((await passwordAttempt(agent, 'Start&Pass2025')).location).toMatch(/\/connect\/authorize\//);
    });

    it('does not take the password with a NUL after it, which scrypt alone would not tell apart', async () => {
      expect(validationMessages(await passwordAttempt(new UserAgent(), 'Start&Pass2025\u0000'))).toEqual(['The email address or password is incorrect.']);
    });

    it('forgets failures after 10 quiet minutes', async () => {
      const agent = new UserAgent();
      for (let i = 0; i < 7; i += 1) await passwordAttempt(agent, 'Wrong&Pass1');
      await clock(10 * 60 + 1);
      for (let i = 0; i < 7; i += 1) await passwordAttempt(agent, 'Wrong&Pass1');
      expect((await passwordAttempt(agent, 'Start&Pass2025')).location).toMatch(/\/connect\/authorize\//);
    });

    it('is lifted by a password reset', async () => {
      const agent = new UserAgent();
      for (let i = 0; i < 8; i += 1) await passwordAttempt(agent, 'Wrong&Pass1');
      await resetPasswordTo('Fresh&Pass2026');
      expect((await passwordAttempt(agent, 'Fresh&Pass2026')).location).toMatch(/\/connect\/authorize\//);
    });
  });

  describe('one-time sign-in links', () => {
    it('complete the sign-in they were asked for from, in the same browser, and work once', async () => {
      const hrm = await discover(emulator.issuer, 'hrm', 'x');
      const login = await buildLogin(hrm, { redirectUri: CALLBACK });
      const agent = new UserAgent();
      let page = await agent.follow(await agent.get(login.url.href), CALLBACK);
      page = await agent.follow(await agent.post(readForm(page).action, { Username: 'lena@example.se' }), CALLBACK);
      const forgotUrl = new URL(/id="forgot-link" href="([^"]+)"/.exec(page.html)![1]!, page.url).href;
      const forgot = await agent.get(forgotUrl);
      expect(readForm(forgot).fields['Username']).toBe('lena@example.se');
      const sent = await agent.post(readForm(forgot).action, { Username: 'lena@example.se', Choice: 'link' });
      expect(sent.html).toContain('an e-mail is on its way');

      const mail = await latestMail();
      expect(mail.subject).toBe('Your one-time sign-in link');
      const link = linkIn(mail.text, '/one-time-link');
      const back = await agent.follow(await agent.get(link), CALLBACK);
      const tokens = await completeLogin(hrm, login, callbackRequest(back, CALLBACK));
      expect(tokens.claims()).toMatchObject({ acr: '2', amr: ['email'] });

      expect((await new UserAgent().get(link)).status).toBe(302);
      const reused = await new UserAgent().follow(await new UserAgent().get(link.replace(/\/interaction\/[^/]+/, '')));
      expect(reused.status).toBe(400);
    });

    it('sign in to Account Settings when opened in another browser', async () => {
      await requestMail('link');
      const link = linkIn((await latestMail()).text, '/one-time-link');
      const elsewhere = new UserAgent();
      const page = await elsewhere.follow(await elsewhere.get(link));
      expect(page.url).toBe(`${emulator.issuer}/account`);
      expect(page.html).toContain('id="account-email">lena@example.se<');
    });

    it("sign in to Account Settings as the link's user in a browser signed in as someone else", async () => {
      const nils = new UserAgent();
      expect((await passwordAttemptAs(nils, 'nils@example.se', 'Nils&Pass2025')).location).toMatch(/\/connect\/authorize\//);
      await requestMail('link');
      const page = await nils.follow(await nils.get(linkIn((await latestMail()).text, '/one-time-link')));
      expect(page.html).not.toContain('id="account-email">nils@example.se<');
      expect(page.url).toBe(`${emulator.issuer}/account`);
      expect(page.html).toContain('id="account-email">lena@example.se<');
    });

    it('are never carried into a later sign-in to another app in that browser', async () => {
      await requestMail('link');
      const browser = new UserAgent();
      // The link opened, but its sign-in not followed (the tab closed): the token is parked in a cookie.
      await browser.get(linkIn((await latestMail()).text, '/one-time-link'));
      const query = new URLSearchParams({ client_id: 'hrm', response_type: 'code', scope: 'openid', redirect_uri: CALLBACK, prompt: 'login' });
      const page = await browser.follow(await browser.get(`${emulator.issuer}/connect/authorize?${query}`), CALLBACK);
      expect(page.html).toContain('name="Username"');
      expect(page.location).toBeUndefined();
    });

    it('work in one of two browsers that open them at the same moment, and say so in the other', async () => {
      await requestMail('link');
      const link = linkIn((await latestMail()).text, '/one-time-link');
      const browsers = [new UserAgent(), new UserAgent()];
      const pages = await Promise.all(browsers.map(async (browser) => browser.follow(await browser.get(link))));
      expect(pages.filter((page) => page.url === `${emulator.issuer}/account`)).toHaveLength(1);
      expect(pages.filter((page) => page.status === 400 && page.html.includes('link does not work'))).toHaveLength(1);
    });
  });

  it('counts wrong current passwords in Account Settings toward the sign-in lock', async () => {
    await requestMail('link');
    const agent = new UserAgent();
    let page = await agent.follow(await agent.get(linkIn((await latestMail()).text, '/one-time-link')));
    const change = (current: string) => agent.submit(page, { CurrentPassword: current, Password: 'Brand&New2026', ConfirmPassword: 'Brand&New2026' }, { action: '/account/password' });
    for (let i = 0; i < 7; i += 1) {
      page = await change(`Guess&${i}Pass`);
      expect(validationMessages(page)).toEqual(['The current password is not correct.']);
    }
    page = await change('Guess&7Pass');
    expect(validationMessages(page)).toEqual(['Too many failed sign-in attempts. The account is locked for 30 minutes.']);
    expect(validationMessages(await change('Start&Pass2025'))).toEqual(['Too many failed sign-in attempts. The account is locked for 30 minutes.']);
    expect(validationMessages(await passwordAttempt(new UserAgent(), 'Start&Pass2025'))).toEqual(['Too many failed sign-in attempts. The account is locked for 30 minutes.']);
  });

  it('changes the password in Account Settings, checking the current one and the policy', async () => {
    await requestMail('link');
    const agent = new UserAgent();
    const account = await agent.follow(await agent.get(linkIn((await latestMail()).text, '/one-time-link')));
    const passwordForm = { action: '/account/password' };
    const wrong = await agent.submit(account, { CurrentPassword: 'nope', Password: 'Brand&New2026', ConfirmPassword: 'Brand&New2026' }, passwordForm);
    expect(validationMessages(wrong)).toEqual(['The current password is not correct.']);
    const weak = await agent.submit(wrong, { CurrentPassword: 'Start&Pass2025', Password: 'weak', ConfirmPassword: 'weak' }, passwordForm);
    expect(validationMessages(weak)).toContain('The password must be at least 8 characters long.');
    const changed = await agent.submit(weak, { CurrentPassword: 'Start&Pass2025', Password: 'Brand&New2026', ConfirmPassword: 'Brand&New2026' }, passwordForm);
    expect(changed.html).toContain('Your password is changed.');
    expect((await passwordAttempt(new UserAgent(), 'Brand&New2026')).location).toMatch(/\/connect\/authorize\//);
  });
});
