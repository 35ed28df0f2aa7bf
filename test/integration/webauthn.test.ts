import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { appAnswer, authorizationRequest, authorizeUrl, loginPageOf, redeemCode, type AuthorizationRequest } from '../../provider/testing/sign-in.js';
import { formWith, readForms, UserAgent, validationMessages, type Form, type Page } from '../../provider/testing/web/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { postControl } from '../support/api-client.js';

const CALLBACK = 'http://localhost:3000/signin-oidc';
const PASSWORD = 'Lugn&Fin2025';

const fixtures = {
  domains: [{ name: 'krav.se', twoFactor: 'required' }],
  clients: [
    { clientId: 'hrm', name: 'Flex HRM', clientSecret: 'x', redirectUris: [CALLBACK] },
    { clientId: 'strict', clientSecret: 'x', redirectUris: [CALLBACK], twoFactor: 'required' },
  ],
  users: [
    { email: 'sara.ek@example.se', password: PASSWORD, passkeys: [{ name: 'Laptop' }] },
    { email: 'ola.berg@krav.se', password: PASSWORD, passkeys: [{}] },
    { email: 'nils.key@example.se', password: PASSWORD, securityKeys: [{ name: 'YubiKey' }] },
    { email: 'eva.pub@example.se', password: PASSWORD, passkeys: [{ publicKey: 'pQECAyYgASFYIA' }] },
    { email: 'kim.lind@krav.se', password: PASSWORD, securityKeys: [{ name: 'YubiKey' }] },
  ],
};

describe('passkeys and security keys over HTTP, answered by the control plane', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  const control = (path: string, body: unknown) => postControl(emulator.url, path, body);

  async function start(agent: UserAgent, clientId = 'hrm', parameters = {}): Promise<{ page: Page; login: AuthorizationRequest }> {
    const login = authorizationRequest(clientId, CALLBACK);
    return { login, page: await agent.follow(await agent.get(authorizeUrl(emulator.url, login, parameters))) };
  }

  /** The page's ceremony form, and the control plane's signed answer to the options it gives. */
  async function signedAnswer(agent: UserAgent, page: Page, assertion: Record<string, unknown>): Promise<{ form: Form; answer: any }> {
    const form = readForms(page).find((candidate) => candidate.action.endsWith('/passkey') || candidate.action.endsWith('/security-key'))!;
    const options = JSON.parse((await agent.post(`${form.action}/options`, {})).html);
    const { body: answer } = await control('/webauthn/assertion', { challenge: options.challenge, ...assertion });
    return { form, answer };
  }

  /** The page's passkey ceremony: its options, the control plane's signed answer, and the post. */
  async function answerWithPasskey(agent: UserAgent, page: Page, assertion: Record<string, unknown>): Promise<{ page: Page; answer: any }> {
    const { form, answer } = await signedAnswer(agent, page, assertion);
    const next = await agent.follow(await agent.submit(form, { WebAuthnResponse: JSON.stringify(answer.response ?? {}) }), CALLBACK);
    return { page: next, answer };
  }

  async function claimsOf(page: Page, login: AuthorizationRequest) {
    const { code } = appAnswer(page)!;
    const tokens = await redeemCode({ url: emulator.url, issuer: emulator.issuer }, login, code!, 'x');
    return tokens.claims;
  }

  it('signs in with a passkey from the identifier page: amr pwdless and mfa, acr 3, the decision logged at stage passkey', async () => {
    const agent = new UserAgent();
    const { page, login } = await start(agent);
    const { page: back } = await answerWithPasskey(agent, page, { email: 'sara.ek@example.se' });
    expect(await claimsOf(back, login)).toMatchObject({ amr: ['pwdless', 'mfa'], acr: '3' });
    const decisions = (await (await fetch(`${emulator.url}/_mock/decisions`)).json()) as any;
    expect(decisions.decisions.at(-1)).toMatchObject({ stage: 'passkey', email: 'sara.ek@example.se', outcome: 'none' });
  });

  it('lets a passkey satisfy a domain that requires 2FA and an app that requires it, without asking for a code', async () => {
    const agent = new UserAgent();
    const { page, login } = await start(agent, 'strict', { acrValues: 'urn:idp:vismaconnect:mfa', maxAge: 60 });
    const { page: back } = await answerWithPasskey(agent, page, { email: 'ola.berg@krav.se' });
    expect(await claimsOf(back, login)).toMatchObject({ amr: ['pwdless', 'mfa'], acr: '3' });
  });

  it('signs in with a passkey from the password page too', async () => {
    const agent = new UserAgent();
    const { page: identifier, login } = await start(agent);
    const password = await agent.follow(await agent.submit(formWith(identifier, 'Username')!, { Username: 'sara.ek@example.se' }));
    expect(loginPageOf(password)).toBe('password');
    const { page: back } = await answerWithPasskey(agent, password, { email: 'sara.ek@example.se' });
    expect(await claimsOf(back, login)).toMatchObject({ amr: ['pwdless', 'mfa'] });
  });

  it('refuses an answer made for another origin, in English and in Swedish', async () => {
    const agent = new UserAgent();
    const { page } = await start(agent);
    const { page: refused } = await answerWithPasskey(agent, page, { email: 'sara.ek@example.se', origin: 'https://evil.example' });
    expect(loginPageOf(refused)).toBe('identifier');
    expect(validationMessages(refused)).toEqual(['The answer from your security key was made for another website, so it was not accepted.']);

    const swedish = new UserAgent({ headers: { 'accept-language': 'sv-SE' } });
    const { page: sv } = await start(swedish);
    const { page: refusedSv } = await answerWithPasskey(swedish, sv, { email: 'sara.ek@example.se', origin: 'https://evil.example' });
    expect(validationMessages(refusedSv)).toEqual(['Svaret från din säkerhetsnyckel gjordes för en annan webbplats och godtogs därför inte.']);
  });

  it('refuses a replayed answer: the challenge is spent', async () => {
    const agent = new UserAgent();
    const { page } = await start(agent);
    const { form, answer } = await signedAnswer(agent, page, { email: 'sara.ek@example.se' });
    const second = new UserAgent();
    const { page: other } = await start(second);
    const otherForm = readForms(other).find((candidate) => candidate.action.endsWith('/passkey'))!;
    await agent.submit(form, { WebAuthnResponse: JSON.stringify(answer.response) });
    const replayed = await second.follow(await second.submit(otherForm, { WebAuthnResponse: JSON.stringify(answer.response) }));
    expect(validationMessages(replayed)).toEqual(['This answer from your security key has already been used or has expired. Try again.']);
  });

  it('refuses an answer posted to another sign-in without using it up for its own', async () => {
    const agent = new UserAgent();
    const { page, login } = await start(agent);
    const { form, answer } = await signedAnswer(agent, page, { email: 'sara.ek@example.se' });
    const other = new UserAgent();
    const otherForm = readForms((await start(other)).page).find((candidate) => candidate.action.endsWith('/passkey'))!;
    const misplaced = await other.follow(await other.submit(otherForm, { WebAuthnResponse: JSON.stringify(answer.response) }));
    expect(validationMessages(misplaced)).toEqual(['This answer from your security key has already been used or has expired. Try again.']);
    const own = await agent.follow(await agent.submit(form, { WebAuthnResponse: JSON.stringify(answer.response) }), CALLBACK);
    expect(await claimsOf(own, login)).toMatchObject({ amr: expect.arrayContaining(['pwdless']) });
  });

  it('lets exactly one of two concurrent posts of the same answer sign in', async () => {
    const agent = new UserAgent();
    const { page } = await start(agent);
    const { form, answer } = await signedAnswer(agent, page, { email: 'sara.ek@example.se' });
    const pages = await Promise.all([1, 2].map(() => agent.submit(form, { WebAuthnResponse: JSON.stringify(answer.response) })));
    expect(pages.filter((candidate) => candidate.status === 303)).toHaveLength(1);
    expect(pages.filter((candidate) => validationMessages(candidate).length === 1)).toHaveLength(1);
  });

  it('refuses an answer whose counter did not move forward (a cloned authenticator)', async () => {
    const agent = new UserAgent();
    const { page } = await start(agent);
    const { page: first } = await answerWithPasskey(agent, page, { email: 'sara.ek@example.se', counter: 7 });
    expect(appAnswer(first)?.code).toBeDefined();
    const again = new UserAgent();
    const { page: start2 } = await start(again);
    const { page: refused } = await answerWithPasskey(again, start2, { email: 'sara.ek@example.se', counter: 7 });
    expect(validationMessages(refused)).toEqual(['This answer from your security key has already been used or has expired. Try again.']);
  });

  it('refuses a credential no account has, and a cancelled ceremony, with a message on the page', async () => {
    const agent = new UserAgent();
    const { page } = await start(agent);
    const { form, answer } = await signedAnswer(agent, page, { email: 'sara.ek@example.se' });
    const unknown = { ...answer.response, id: 'AAAAAAAAAAAAAAAAAAAAAA', rawId: 'AAAAAAAAAAAAAAAAAAAAAA' };
    const refused = await agent.submit(form, { WebAuthnResponse: JSON.stringify(unknown) });
    expect(validationMessages(refused)).toEqual(['This passkey or security key is not registered to any account here. Use another one, or your password.']);

    const cancelled = await agent.submit(form, { WebAuthnError: 'NotAllowedError' });
    expect(validationMessages(cancelled)).toEqual(['The sign-in with your security key or biometrics was cancelled, or timed out. Try again.']);
    const garbage = await agent.submit(form, { WebAuthnResponse: '{"id":' });
    expect(garbage.status).toBe(200);
    expect(validationMessages(garbage)).toEqual(['Your security key or biometrics could not be verified. Try again.']);
  });

  it('asks a user with a security key for it after the password, and the key answers: amr pwd, hwk, mfa', async () => {
    const agent = new UserAgent();
    const { page: identifier, login } = await start(agent);
    const password = await agent.follow(await agent.submit(formWith(identifier, 'Username')!, { Username: 'nils.key@example.se' }));
    const keyPage = await agent.follow(await agent.submit(formWith(password, 'Password')!, { Password: PASSWORD }));
    expect(loginPageOf(keyPage)).toBe('security-key');
    const { page: back } = await answerWithPasskey(agent, keyPage, { email: 'nils.key@example.se', kind: 'security-key' });
    expect(await claimsOf(back, login)).toMatchObject({ amr: ['pwd', 'hwk', 'mfa'], acr: '3' });
  });

  it('does not take a passkey at the security-key step, nor a security key as a passkey', async () => {
    const agent = new UserAgent();
    const { page } = await start(agent);
    const { page: refused } = await answerWithPasskey(agent, page, { email: 'nils.key@example.se', kind: 'security-key' });
    expect(validationMessages(refused)).toEqual(['This passkey or security key is not registered to any account here. Use another one, or your password.']);
  });

  describe('Account Settings', () => {
    /** Signs in to Account Settings with the password and the security key: the overview page. */
    async function settingsOf(agent: UserAgent, email: string): Promise<Page> {
      const identifier = await agent.follow(await agent.get(`${emulator.issuer}/account`));
      const password = await agent.follow(await agent.submit(formWith(identifier, 'Username')!, { Username: email }));
      const keyPage = await agent.follow(await agent.submit(formWith(password, 'Password')!, { Password: PASSWORD }));
      return (await answerWithPasskey(agent, keyPage, { email, kind: 'security-key' })).page;
    }
    const formEnding = (page: Page, ending: string) => readForms(page).find((form) => form.action.endsWith(ending))!;

    it('renames a security key, refusing an empty name', async () => {
      const agent = new UserAgent();
      const overview = await agent.follow(await settingsOf(agent, 'nils.key@example.se'));
      expect(overview.html).toContain('YubiKey');
      const empty = await agent.submit(formEnding(overview, '/rename'), { Name: '  ' });
      expect(validationMessages(empty)).toEqual(['Enter a name of 1 to 64 characters.']);
      const renamed = await agent.submit(formEnding(empty, '/rename'), { Name: 'Nyckelring' });
      expect(renamed.html).toContain('The name was changed.');
      expect(renamed.html).toContain('value="Nyckelring"');
    });

    it('keeps the only second factor of a user whose domain requires 2FA, and deletes one otherwise', async () => {
      const strict = new UserAgent();
      const kept = await strict.submit(formEnding(await strict.follow(await settingsOf(strict, 'kim.lind@krav.se')), '/delete'));
      expect(validationMessages(kept)).toEqual(['Your organisation requires two-step verification and this is your only second step, so it cannot be deleted.']);

      const free = new UserAgent();
      const deleted = await free.submit(formEnding(await free.follow(await settingsOf(free, 'nils.key@example.se')), '/delete'));
      expect(deleted.html).toContain('You have no passkeys or security keys.');
    });

    it('refuses a rename without the form token of the session', async () => {
      const agent = new UserAgent();
      const overview = await agent.follow(await settingsOf(agent, 'nils.key@example.se'));
      const refused = await agent.post(formEnding(overview, '/rename').action, { Name: 'Stulen' });
      expect(refused.status).toBe(403);
    });
  });

  describe('POST /_mock/webauthn/assertion', () => {
    it('answers 400 without a challenge, 404 for an unknown user, 409 for a user without one, 404 without a private key', async () => {
      expect((await control('/webauthn/assertion', { email: 'sara.ek@example.se' })).status).toBe(400);
      expect((await control('/webauthn/assertion', { challenge: 'abc', email: 'nobody@example.se' })).status).toBe(404);
      expect((await control('/webauthn/assertion', { challenge: 'abc', email: 'sara.ek@example.se', kind: 'security-key' })).body).toMatchObject({ error: 'no_credential' });
      expect((await control('/webauthn/assertion', { challenge: 'abc', email: 'eva.pub@example.se' })).body).toMatchObject({ error: 'no_private_key' });
      expect((await control('/webauthn/assertion', { challenge: 'abc', email: 'sara.ek@example.se', extra: 1 })).status).toBe(400);
    });

    it('moves its counter forward by one for each answer, also for concurrent callers', async () => {
      const answers = await Promise.all([1, 2, 3].map(() => control('/webauthn/assertion', { challenge: 'abc', email: 'sara.ek@example.se' })));
      expect(answers.map((answer) => answer.body.counter).sort()).toEqual([1, 2, 3]);
    });
  });
});
