import { join } from 'node:path';
import { createGuardrails, generate } from 'otplib';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, startBrowserStage, type BrowserStage } from '../support/browser.js';

describe('the 2FA enrollment wizard in a real browser', () => {
  let stage: BrowserStage;
  let appUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    stage = await startBrowserStage((redirectUri) => ({
      domains: [{ name: 'foretaget.se', twoFactor: 'required' }],
      clients: [{ clientId: 'flex-hrm', name: 'Flex HRM', clientSecret: 'dev-secret', redirectUris: [redirectUri], includeCoreIdentityClaims: true }],
      users: [{ email: 'erik.johansson@foretaget.se', password: 'Sommar2025!x', givenName: 'Erik', familyName: 'Johansson' }],
    }));
    ({ appUrl, browser } = stage);
  });
  afterAll(() => stage?.close());

  it('enrolls a user whose domain requires 2FA: QR code, confirm code, emergency code, back at the app with two factors', async () => {
    const page = await browser.newPage({ locale: 'en-GB' });
    await page.goto(`${appUrl}/login`);
    await page.getByLabel('Email address').fill('erik.johansson@foretaget.se');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Password').fill('Sommar2025!x');
    await page.getByRole('button', { name: 'Sign in' }).click();

    await expect.poll(() => page.locator('h1').textContent()).toBe('Set up two-step verification');
    await expect.poll(() => page.getByRole('img', { name: 'QR code for your authenticator app' }).evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(100);
    expect(await page.getByRole('button', { name: 'Remind me later' }).count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'enrollment-1-qr-code.png'), fullPage: true });

    const secret = (await page.locator('#totp-secret').textContent())!.replace(/\s/g, '');
    const code = await generate({ secret, guardrails: createGuardrails({ MIN_SECRET_BYTES: 10 }) });
    await page.getByLabel('2. Enter the 6-digit code the app shows.').fill(code);
    await page.getByRole('button', { name: 'Activate' }).click();

    await expect.poll(() => page.locator('h1').textContent()).toBe('Your emergency code');
    expect(await page.locator('#emergency-code').textContent()).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    await page.screenshot({ path: join(ARTIFACTS, 'enrollment-2-emergency-code.png'), fullPage: true });
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.waitForURL(`${appUrl}/signin-oidc`);
    expect(await page.locator('#greeting').textContent()).toBe('Signed in as Erik Johansson');
    expect(await page.locator('#acr').textContent()).toBe('acr 3, amr pwd,otp,mfa');
    await page.screenshot({ path: join(ARTIFACTS, 'enrollment-3-signed-in.png'), fullPage: true });
  });
});
