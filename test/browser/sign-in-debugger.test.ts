import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { ARTIFACTS, launchChromium } from '../support/browser.js';
import { startTestEmulator } from '../support/emulator.js';

const ANNA = 'anna.svensson@foretaget.se';
const PASSWORD = 'Sommar2025!x';
const TENANT = '1b0d2f5e-7c1a-4c8e-9a51-3f0d2b6c9e10';
const app = (clientId: string, name: string, twoFactor: string, port: number) => ({
  clientId,
  name,
  clientSecret: 'dev-secret',
  redirectUris: [`http://localhost:${port}/signin-oidc`],
  grantTypes: ['authorization_code', 'refresh_token'],
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  twoFactor,
  includeCoreIdentityClaims: true,
});
/** The demo world's shape: Anna is enrolled, her domain requires 2FA, and one app bypasses it. */
const fixtures = {
  tenants: [{ id: TENANT, name: 'Företaget AB', verifiedDomains: ['foretaget.se'] }],
  domains: [{ name: 'foretaget.se', twoFactor: 'required' }],
  clients: [
    app('flex-hrm', 'Flex HRM', 'default', 3000),
    app('bypass-app', 'Personalkatalog (Bypass)', 'bypass', 3001),
    { clientId: 'public-spa', name: 'Public SPA', redirectUris: ['http://localhost:3004/callback'], scopes: ['openid', 'profile'] },
  ],
  users: [{ email: ANNA, password: PASSWORD, givenName: 'Anna', familyName: 'Svensson', tenants: [TENANT], totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DP' }],
};

describe('the sign-in debugger in a real browser', () => {
  let emulator: RunningEmulator;
  let browser: Browser;
  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await emulator?.close();
  });
  beforeEach(() => emulator.reset());

  const claim = (page: Page, table: string, name: string) => page.locator(`#${table} tr[data-claim="${name}"] td`).first().textContent();
  const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });
  const totpOf = async (email: string) => ((await (await fetch(`${emulator.url}/_mock/totp?email=${email}`)).json()) as { code: string }).code;

  async function signInThroughThePages(page: Page) {
    await page.getByLabel('Email address').fill(ANNA);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('signs in as a demo user, shows the decoded tokens and the decision trace, refreshes, steps up with a TOTP code and signs out', async () => {
    const page = await browser.newPage({ locale: 'en-GB' });
    page.setDefaultTimeout(6000);
    await page.goto(`${emulator.url}/_mock/debugger`);
    await page.getByLabel('Client', { exact: true }).fill('bypass-app');
    await page.getByLabel('User (login_hint)').fill(ANNA);
    await page.getByLabel('offline_access').check();
    await page.getByRole('radio', { name: /form_post/ }).check();
    await shot(page, 'debugger-1-form.png');
    await page.getByRole('button', { name: 'Start' }).click();

    await signInThroughThePages(page);
    await page.waitForURL(`${emulator.issuer}/_mock/debugger/result`);
    expect(await claim(page, 'id-token-claims', 'acr')).toBe('"2"');
    expect(await claim(page, 'id-token-claims', 'aud')).toBe('"bypass-app"');
    expect(await page.locator('#id-token-verification').textContent()).toContain('check out');
    expect(await page.locator('#decision-0 .outcome').textContent()).toBe('none');
    expect(await page.locator('#decision-0 .rule').textContent()).toBe('bypass');
    expect(await page.locator('#decision-0 tr.matched th').textContent()).toBe('bypass');
    await shot(page, 'debugger-2-signed-in.png');

    const firstAccessToken = await claim(page, 'access-token-claims', 'jti');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => page.locator('#debugger-notice').textContent()).toBe('Refreshed (1): new tokens from the refresh_token grant.');
    expect(await claim(page, 'access-token-claims', 'jti')).not.toBe(firstAccessToken);
    await shot(page, 'debugger-3-refreshed.png');

    await page.getByRole('button', { name: /^Step up/ }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Two-step verification');
    await page.getByLabel('Security code').fill(await totpOf(ANNA));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${emulator.issuer}/_mock/debugger/result`);
    expect(await claim(page, 'id-token-claims', 'acr')).toBe('"3"');
    expect(await claim(page, 'id-token-claims', 'amr')).toBe('["pwd","otp","mfa"]');
    expect(await page.locator('#id-token-claims tr[data-claim="acr"] td').nth(1).textContent()).toContain('two factors');
    expect(await page.locator('#decision-0 .outcome').textContent()).toBe('challenge');
    expect(await page.locator('#decision-0 .rule').textContent()).toBe('step-up');
    await shot(page, 'debugger-4-stepped-up.png');
    // The README's picture (docs/sign-in-debugger.png is a copy of this one).
    await page.setViewportSize({ width: 1280, height: 1250 });
    await page.screenshot({ path: join(ARTIFACTS, 'sign-in-debugger.png') });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await expect.poll(() => page.locator('#debugger-notice').textContent()).toContain('Signed out');
    await shot(page, 'debugger-5-signed-out.png');
    await page.close();
  });

  it('reads a fragment response with its script, for a public client with PKCE', async () => {
    const page = await browser.newPage({ locale: 'en-GB' });
    page.setDefaultTimeout(6000);
    await page.goto(`${emulator.issuer}/_mock/debugger?client=public-spa&response_mode=fragment&scope=openid+profile`);
    await page.getByRole('button', { name: 'Start' }).click();
    await signInThroughThePages(page);
    await page.getByLabel('Security code').fill(await totpOf(ANNA));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${emulator.issuer}/_mock/debugger/result`);
    expect(await claim(page, 'id-token-claims', 'aud')).toBe('"public-spa"');
    expect(await page.locator('#decision-0 .rule').textContent()).toBe('required');
    await page.close();
  });
});
