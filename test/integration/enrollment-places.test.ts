import { createGuardrails, generate } from 'otplib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { elementById, textOf } from '../../provider/testing/web/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { readForm, UserAgent, validationMessages, type Page } from '../support/user-agent.js';

const CALLBACK = 'http://localhost:4000/cb';
const fixtures = {
  domains: [{ name: 'strikt.se', twoFactor: 'required' }],
  clients: [{ clientId: 'hrm', clientSecret: 'secret', redirectUris: [CALLBACK] }],
  users: [
    { email: 'erik@strikt.se', password: 'Erik&Pass2025' },
    { email: 'maja@fri.se', password: 'Maja&Pass2025' },
  ],
};

describe('one enrollment wizard, in a sign-in and in Account Settings', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  const authorize = () =>
    `${emulator.issuer}/connect/authorize?${new URLSearchParams({ client_id: 'hrm', response_type: 'code', scope: 'openid', redirect_uri: CALLBACK, code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })}`;
  const now = async () => ((await (await fetch(`${emulator.url}/_mock/clock`)).json()) as { now: number }).now;
  const secretOn = (page: Page) => textOf(page, 'totp-secret')!.replace(/\s/g, '');
  const codeFor = async (page: Page) => generate({ secret: secretOn(page), epoch: await now(), guardrails: createGuardrails({ MIN_SECRET_BYTES: 10 }) });

  async function signInWizard(): Promise<{ agent: UserAgent; page: Page }> {
    const agent = new UserAgent();
    const identifier = await agent.follow(await agent.get(authorize()));
    const password = await agent.follow(await agent.submit(identifier, { Username: 'erik@strikt.se' }));
    return { agent, page: await agent.follow(await agent.submit(password, { Password: 'Erik&Pass2025' }), CALLBACK) };
  }

  async function accountSettingsWizard(): Promise<{ agent: UserAgent; page: Page }> {
    const agent = new UserAgent();
    const identifier = await agent.follow(await agent.get(`${emulator.issuer}/account`));
    const password = await agent.follow(await agent.submit(identifier, { Username: 'maja@fri.se' }));
    await agent.follow(await agent.submit(password, { Password: 'Maja&Pass2025' }));
    return { agent, page: await agent.get(`${emulator.issuer}/account/two-factor/setup`) };
  }

  /** What a user sees of the wizard, without what differs by nature (the secret, the address, the form token). */
  const shapeOf = (page: Page) => ({
    qr: elementById(page, 'totp-secret') !== undefined && /<img class="qr" src="data:image\/png;base64,/.test(page.html),
    secretGroups: textOf(page, 'totp-secret')!
      .split(' ')
      .map((group) => group.length),
    uri: textOf(page, 'otpauth-uri')!
      .replace(/secret=[A-Z2-7]+/, 'secret=…')
      .replace(/:[^:?]+\?/, ':…?'),
    fields: Object.keys(readForm(page).fields).filter((name) => name !== '__RequestVerificationToken'),
    title: /<title>([^<]*)<\/title>/.exec(page.html)![1],
  });

  it('shows the same pages in both: QR code, key in groups of four, otpauth link, the AuthCode field', async () => {
    const atSignIn = await signInWizard();
    const inSettings = await accountSettingsWizard();
    expect(shapeOf(atSignIn.page)).toEqual(shapeOf(inSettings.page));
    expect(shapeOf(atSignIn.page)).toMatchObject({ qr: true, fields: ['AuthCode'], uri: 'otpauth://totp/Visma%20Connect:…?secret=…&issuer=Visma%20Connect' });
  });

  it('verifies the code the same way in both, and ends both with a new emergency code on the same page', async () => {
    for (const wizard of [await signInWizard(), await accountSettingsWizard()]) {
      const empty = await wizard.agent.submit(wizard.page, { AuthCode: '' });
      expect(validationMessages(empty)).toEqual(['Enter the code from your authenticator app.']);
      const wrong = await wizard.agent.submit(empty, { AuthCode: '000000' });
      expect(validationMessages(wrong)).toEqual(['The code is not correct. Check your authenticator app and try again.']);
      expect(secretOn(wrong)).toBe(secretOn(wizard.page));
      const done = await wizard.agent.follow(await wizard.agent.submit(wrong, { AuthCode: await codeFor(wrong) }));
      expect(done.html).toContain('<h1>Your emergency code</h1>');
      expect(done.html).toContain('Keep this code somewhere safe.');
      expect(textOf(done, 'emergency-code')).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    }
  });
});
