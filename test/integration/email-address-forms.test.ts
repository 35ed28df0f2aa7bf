import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { apiClient, apiToken, linkIn, mailClient } from '../support/api-client.js';
import { startTestEmulator } from '../support/emulator.js';
import { buildLogin, callbackRequest, completeLogin, discover, signInThroughPages } from '../support/relying-party.js';
import { readForm, UserAgent, validationMessages } from '../support/user-agent.js';

const CALLBACK = 'http://localhost:3000/signin-oidc';
const ASCII = 'maria@xn--exmple-cua.se';
const UNICODE = 'maria@exämple.se';
const fixtures = {
  clients: [
    { clientId: 'hrm', clientSecret: 'hrm-secret', redirectUris: [CALLBACK], scopes: ['openid', 'profile', 'email'], includeCoreIdentityClaims: true },
    { clientId: 'hrm-api', clientSecret: 'api-secret', grantTypes: ['client_credentials'], scopes: ['connect:users'] },
  ],
  // Given in the Unicode form: stored, shown and mailed in the ASCII one.
  users: [
    { email: 'Maria@Exämple.SE', password: 'Sommar2025!x', givenName: 'Maria' },
    { email: 'erik@exämple.se', password: 'Sommar2025!x', givenName: 'Erik', totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DP' },
  ],
};

interface CaughtMail {
  To: { Mailbox: string; Domain: string }[];
  Content: { Headers: Record<string, string[]> };
}

describe('one canonical form of an e-mail address: the domain in ASCII, matched in any case', () => {
  let emulator: RunningEmulator;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
  });
  afterAll(() => emulator.close());
  beforeEach(async () => {
    await emulator.reset();
    api = apiClient(emulator, await apiToken(emulator, 'hrm-api', 'api-secret'));
  });

  /** The newest caught mail as MailHog's API shows it: the SMTP recipients and the To header. */
  async function newestMail(): Promise<{ recipients: string[]; toHeader: string[] }> {
    const { items } = (await (await fetch(`${emulator.mail!.apiUrl}/api/v2/messages?limit=1`)).json()) as { items: CaughtMail[] };
    const [mail] = items;
    return { recipients: mail!.To.map((to) => `${to.Mailbox}@${to.Domain}`), toHeader: mail!.Content.Headers['To'] ?? [] };
  }

  it('finds the same user by either form of the domain, in any case, through the API', async () => {
    const byAscii = await api('GET', `/users?email=${encodeURIComponent(ASCII)}`);
    expect(byAscii.body).toMatchObject({ email: 'Maria@xn--exmple-cua.se', givenName: 'Maria' });
    for (const form of [UNICODE, 'MARIA@XN--EXMPLE-CUA.SE', 'maria@EXÄMPLE.se']) {
      expect((await api('GET', `/users?email=${encodeURIComponent(form)}`)).body.userId).toBe(byAscii.body.userId);
    }
  });

  it('mails a verification to the address the API reports, whichever form it was given in', async () => {
    for (const [given, canonical] of [
      ['anna@xn--exmple-cua.se', 'anna@xn--exmple-cua.se'],
      ['bo@exämple.se', 'bo@xn--exmple-cua.se'],
    ] as const) {
      const started = await api('POST', '/email-verifications', { email: given, delivery: 'code' });
      expect(started.status).toBe(202);
      expect((await api('GET', `/email-verifications/${started.body.id}`)).body.email).toBe(canonical);
      expect(await newestMail()).toEqual({ recipients: [canonical], toHeader: [canonical] });
    }
  });

  it('links a verification given in the other form to the existing account (created: false)', async () => {
    const { userId } = (await api('GET', `/users?email=${encodeURIComponent(ASCII)}`)).body;
    const started = await api('POST', '/email-verifications', { email: UNICODE, delivery: 'link' });
    const link = linkIn((await mailClient(emulator).latestTo(ASCII))!.text, '/verify-email');
    expect((await new UserAgent().get(link)).status).toBe(200);
    expect((await api('GET', `/email-verifications/${started.body.id}`)).body).toMatchObject({ status: 'verified', userId, created: false });
  });

  it("mails the API's password reset to the account's address", async () => {
    const user = (await api('GET', `/users?email=${encodeURIComponent(UNICODE)}`)).body;
    expect((await api('POST', `/users/${user.userId}/password-reset`)).status).toBe(202);
    expect(await newestMail()).toEqual({ recipients: [user.email], toHeader: [user.email] });
  });

  it('signs in with the Unicode form typed on the login page, and the token carries the canonical form', async () => {
    const hrm = await discover(emulator.issuer, 'hrm', 'hrm-secret');
    const login = await buildLogin(hrm, { redirectUri: CALLBACK, scope: 'openid email' });
    const answer = await signInThroughPages(new UserAgent(), login.url, 'MARIA@exämple.se', 'Sommar2025!x', CALLBACK);
    const tokens = await completeLogin(hrm, login, callbackRequest(answer, CALLBACK));
    expect(tokens.claims()!['email']).toBe('Maria@xn--exmple-cua.se');
  });

  it('sends the reset mail asked for on the forgot-password page in the Unicode form to the canonical address', async () => {
    const agent = new UserAgent();
    const form = await agent.get(`${emulator.issuer}/forgot-password`);
    const page = await agent.post(readForm(form).action, { Username: UNICODE, Choice: 'reset' });
    expect(page.html).toContain(ASCII);
    expect((await newestMail()).recipients).toEqual(['Maria@xn--exmple-cua.se']);
  });

  it('reads the TOTP code of the control plane by either form', async () => {
    for (const form of ['erik@xn--exmple-cua.se', 'Erik@Exämple.se']) {
      const answer = await fetch(`${emulator.url}/_mock/totp?email=${encodeURIComponent(form)}`);
      expect(answer.status).toBe(200);
    }
  });

  describe('what is not an address we can mail', () => {
    it.each([
      ['a non-ASCII local part', 'märta@example.se'],
      ['an invalid punycode label', 'anna@xn--zz.se'],
      ['a domain without a top-level part', 'anna@localhost'],
    ])('refuses %s with 400 invalid_email', async (_name, email) => {
      expect(await api('POST', '/email-verifications', { email, delivery: 'code' })).toEqual({
        status: 400,
        body: { error: 'invalid_email', error_description: `"${email}" is not an e-mail address` },
      });
      expect((await api('GET', `/users?email=${encodeURIComponent(email)}`)).body.error).toBe('invalid_email');
    });

    it.each([
      ['a tab inside the domain', 'Maria@exäm\tple.se'],
      ['a NUL', 'Maria\u0000@exämple.se'],
    ])('refuses %s on the login page, rather than reading it as the address without it', async (_name, typed) => {
      const hrm = await discover(emulator.issuer, 'hrm', 'hrm-secret');
      const agent = new UserAgent();
      const identifier = await agent.follow(await agent.get((await buildLogin(hrm, { redirectUri: CALLBACK })).url.href), CALLBACK);
      const page = await agent.post(readForm(identifier).action, { Username: typed });
      expect(validationMessages(page)).toEqual(['Enter a valid email address, like name@example.com.']);
      expect(page.html).not.toContain('\u0000');
    });
  });
});
