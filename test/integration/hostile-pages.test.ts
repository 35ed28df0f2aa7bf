import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { FROM_ANOTHER_SITE } from '../support/hostile.js';
import { readForm, UserAgent, type Page } from '../support/user-agent.js';

const CALLBACK = 'http://localhost:3000/signin-oidc';
const fixtures = {
  clients: [{ clientId: 'hrm', clientSecret: 'x', redirectUris: [CALLBACK] }],
  users: [
    { email: 'maja@fri.se', password: 'Maja&Pass2025', totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' },
    { email: 'olle@fri.se', password: 'Olle&Pass2025' },
  ],
};

const refusedForm = (page: Page) => {
  expect(page.status).toBe(403);
  expect(page.html).toContain('The form was not accepted');
};

function authorizeUrl(issuer: string): string {
  const query = new URLSearchParams({ client_id: 'hrm', response_type: 'code', scope: 'openid', redirect_uri: CALLBACK, nonce: 'n', state: 's', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' });
  return `${issuer}/connect/authorize?${query}`;
}

describe('pages and forms against a hostile page', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  const totpOf = async (email: string) => (await fetch(`${emulator.url}/_mock/totp?email=${email}`)).json() as Promise<{ code: string }>;
  const enrolled = async (email: string) => (await fetch(`${emulator.url}/_mock/totp?email=${email}`)).status === 200;

  async function accountPage(email: string, password: string): Promise<{ agent: UserAgent; page: Page }> {
    const agent = new UserAgent();
    let page = await agent.follow(await agent.get(`${emulator.issuer}/account`));
    page = await agent.follow(await agent.submit(page, { Username: email }));
    page = await agent.follow(await agent.submit(page, { Password: password }));
    if (page.html.includes('name="AuthCode"')) page = await agent.follow(await agent.submit(page, { AuthCode: (await totpOf(email)).code }));
    expect(page.html).toContain('id="account-email"');
    return { agent, page };
  }

  describe('Account Settings', () => {
    it('puts a form token in every form that changes something', async () => {
      const { page } = await accountPage('maja@fri.se', 'Maja&Pass2025');
      const olle = await accountPage('olle@fri.se', 'Olle&Pass2025');
      const setup = await olle.agent.get(`${emulator.issuer}/account/two-factor/setup`);
      const posts = [...page.html.matchAll(/<form method="post" action="([^"]+)"/g), ...setup.html.matchAll(/<form method="post" action="([^"]+)"/g)].map((match) => match[1]!);
      expect(posts.sort()).toEqual(['/account/emergency-code', '/account/links', '/account/password', '/account/two-factor/remove', '/account/two-factor/setup']);
      for (const action of posts) {
        const form = readForm(action === '/account/two-factor/setup' ? setup : page, { action });
        expect(form.fields['__RequestVerificationToken'], action).toMatch(/^[\w-]{43}$/);
      }
    });

    it('refuses to remove 2FA for a post without the form token, as a forged form sends it', async () => {
      const { agent } = await accountPage('maja@fri.se', 'Maja&Pass2025');
      refusedForm(await agent.post(`${emulator.issuer}/account/two-factor/remove`, {}));
      expect(await enrolled('maja@fri.se')).toBe(true);
    });

    it('refuses a form token of another session', async () => {
      const maja = await accountPage('maja@fri.se', 'Maja&Pass2025');
      const olle = await accountPage('olle@fri.se', 'Olle&Pass2025');
      const { fields } = readForm(olle.page, { action: '/account/links' });
      refusedForm(await maja.agent.post(`${emulator.issuer}/account/two-factor/remove`, fields));
      expect(await enrolled('maja@fri.se')).toBe(true);
    });

    it.each(Object.entries(FROM_ANOTHER_SITE))('refuses a post from %s, even with the right token', async (_name, headers) => {
      const { agent, page } = await accountPage('maja@fri.se', 'Maja&Pass2025');
      const form = readForm(page, { action: '/account/two-factor/remove' });
      const refused = await agent.post(form.action, form.fields, headers);
      refusedForm(refused);
      expect(refused.html).toContain('href="/account"');
      expect(await enrolled('maja@fri.se')).toBe(true);
    });

    it('accepts the post a browser sends from the page itself', async () => {
      const { agent, page } = await accountPage('maja@fri.se', 'Maja&Pass2025');
      const form = readForm(page, { action: '/account/two-factor/remove' });
      const removed = await agent.post(form.action, form.fields, { origin: new URL(emulator.issuer).origin, 'sec-fetch-site': 'same-origin' });
      expect(removed.html).toContain('Two-step verification was removed.');
    });
  });

  describe('the login pages', () => {
    it.each(Object.entries(FROM_ANOTHER_SITE))('refuse a form posted from %s', async (_name, headers) => {
      const agent = new UserAgent();
      const identifier = await agent.follow(await agent.get(authorizeUrl(emulator.issuer)));
      refusedForm(await agent.post(readForm(identifier).action, { Username: 'maja@fri.se' }, headers));
    });

    it('take the post a browser sends from the page itself', async () => {
      const agent = new UserAgent();
      const identifier = await agent.follow(await agent.get(authorizeUrl(emulator.issuer)));
      const next = await agent.post(readForm(identifier).action, { Username: 'maja@fri.se' }, { origin: new URL(emulator.issuer).origin, 'sec-fetch-site': 'same-origin' });
      expect(next.location).toMatch(/\/password$/);
    });

    it('refuse a forgotten-password form posted from another site, and send no mail', async () => {
      const agent = new UserAgent();
      refusedForm(await agent.post(`${emulator.issuer}/forgot-password`, { Username: 'maja@fri.se', Choice: 'link' }, { origin: 'http://evil.example' }));
      expect((await fetch(`${emulator.url}/_mock/mail/latest?to=maja@fri.se`)).status).toBe(404);
    });
  });

  describe('framing', () => {
    const expectUnframeable = (headers: Headers) => {
      expect(headers.get('x-frame-options')).toBe('DENY');
      expect(headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
    };

    it('is refused for the login, account, self-service, mailbox, error and sign-out pages', async () => {
      const agent = new UserAgent();
      expectUnframeable((await agent.follow(await agent.get(authorizeUrl(emulator.issuer)))).headers);
      expectUnframeable((await agent.get(`${emulator.issuer}/forgot-password`)).headers);
      expectUnframeable((await agent.get(`${emulator.issuer}/reset-password?token=nope`)).headers);
      expectUnframeable((await agent.get(`${emulator.url}/_mock/mail`)).headers);
      expectUnframeable((await agent.get(`${emulator.issuer}/connect/authorize?client_id=nobody`)).headers);

      const signedIn = await accountPage('maja@fri.se', 'Maja&Pass2025');
      expectUnframeable(signedIn.page.headers);
      const signOut = await signedIn.agent.get(`${emulator.issuer}/connect/endsession`);
      expect(signOut.html).toContain('Do you want to sign out of Visma Connect?');
      expectUnframeable(signOut.headers);
      const signedOut = await signedIn.agent.follow(await signedIn.agent.submit(signOut, { logout: 'yes' }));
      expect(signedOut.html).toContain('You are signed out');
      expectUnframeable(signedOut.headers);
    });
  });
});
