import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { launchChromium } from '../support/browser.js';
import { startTestEmulator } from '../support/emulator.js';
import { SinglePageApp } from '../support/spa.js';

declare const mgr: {
  signinRedirect(): Promise<void>;
  signoutRedirect(): Promise<void>;
  getUser(): Promise<{ session_state: string | null; profile: { sub: string } } | null>;
};
declare const events: string[];
declare function askCheckSessionFrame(frameUrl: string, message: string): Promise<string>;

/**
 * oidc-client-ts in Chromium, a second relying-party library beside openid-client: OpenID Connect
 * Session Management (session_state, check_session_iframe, `monitorSession`) and Front-Channel Logout
 * as Visma Connect offers them.
 */
describe('Session Management and Front-Channel Logout with oidc-client-ts in a real browser', () => {
  let spa: SinglePageApp;
  let emulator: RunningEmulator;
  let browser: Browser;

  beforeAll(async () => {
    spa = new SinglePageApp();
    await spa.listen();
    emulator = await startTestEmulator({
      fixtures: {
        clients: [
          {
            clientId: 'spa',
            name: 'Single-page app',
            redirectUris: spa.redirectUris,
            postLogoutRedirectUris: [`${spa.url}/`],
            frontchannelLogoutUri: spa.frontchannelLogoutUri,
            grantTypes: ['authorization_code'],
            scopes: ['openid', 'profile'],
          },
        ],
        users: [{ email: 'siv.ahl@example.se', password: 'Vinter2025!q', givenName: 'Siv', familyName: 'Åhl' }],
      },
    });
    spa.connect(emulator.issuer, 'spa');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await emulator?.close();
    spa?.close();
  });

  async function signIn(page: Page): Promise<void> {
    await page.goto(`${spa.url}/`);
    await page.evaluate(() => void mgr.signinRedirect());
    await page.getByLabel('Email address').fill('siv.ahl@example.se');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Password').fill('Vinter2025!q');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${spa.url}/`);
    await expect.poll(() => page.evaluate(async () => (await mgr.getUser())?.profile.sub)).toEqual(expect.any(String));
  }

  /** What the check_session_iframe answers the app's page for `message`. */
  function askCheckSession(page: Page, message: string): Promise<string> {
    return page.evaluate(([frameUrl, text]) => askCheckSessionFrame(frameUrl, text), [`${emulator.issuer}/connect/checksession`, message] as const);
  }

  it('answers unchanged for the session state of the sign-in, changed for another, and error for a malformed message', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await signIn(page);
    const sessionState = await page.evaluate(async () => (await mgr.getUser())!.session_state);
    expect(sessionState).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{22}$/);

    expect(await askCheckSession(page, `spa ${sessionState}`)).toBe('unchanged');
    expect(await askCheckSession(page, `other-app ${sessionState}`)).toBe('changed');
    expect(await askCheckSession(page, `spa ${sessionState!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`)).toBe('changed');
    expect(await askCheckSession(page, 'spa')).toBe('error');
    await context.close();
  });

  it('tells the app the user signed out (monitorSession) when the user signs out of Visma Connect in another tab', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await signIn(page);
    const sessionState = await page.evaluate(async () => (await mgr.getUser())!.session_state);

    const other = await context.newPage();
    await other.goto(`${emulator.issuer}/connect/endsession`);
    await other.getByRole('button', { name: 'Yes, sign me out' }).click();
    await other.waitForLoadState();

    expect(await askCheckSession(page, `spa ${sessionState}`)).toBe('changed');
    await expect.poll(() => page.evaluate(() => events), { timeout: 15_000 }).toContain('userSignedOut');
    await context.close();
  });

  it("signs out through oidc-client-ts, loading the app's front-channel logout URI in the browser before returning to the app", async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await signIn(page);
    spa.frontchannelLogouts.length = 0;

    await page.evaluate(() => void mgr.signoutRedirect());
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL(`${spa.url}/`);

    expect(spa.frontchannelLogouts).toHaveLength(1);
    expect(spa.frontchannelLogouts[0]!.searchParams.get('iss')).toBe(emulator.issuer);
    expect(spa.frontchannelLogouts[0]!.searchParams.get('sid')).toEqual(expect.any(String));
    await context.close();
  });
});
