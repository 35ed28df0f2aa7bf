import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, startBrowserStage, type BrowserStage } from '../support/browser.js';

describe('signing in with a real browser', () => {
  let stage: BrowserStage;
  let appUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    stage = await startBrowserStage((redirectUri) => ({
      clients: [{ clientId: 'flex-hrm', name: 'Flex HRM', clientSecret: 'dev-secret', redirectUris: [redirectUri], includeCoreIdentityClaims: true }],
      users: [{ email: 'anna.svensson@foretaget.se', password: 'Sommar2025!x', givenName: 'Anna', familyName: 'Svensson' }],
    }));
    ({ appUrl, browser } = stage);
  });
  afterAll(() => stage?.close());

  it('goes from the app through the identifier and password pages and back to the app signed in', async () => {
    const page = await browser.newPage({ locale: 'sv-SE' });
    await page.goto(`${appUrl}/login`);

    await expect.poll(() => page.locator('h1').textContent()).toBe('Logga in');
    await page.getByLabel('E-postadress', { exact: true }).fill('anna.svensson@foretaget.se');
    await page.screenshot({ path: join(ARTIFACTS, 'sign-in-1-identifier.png'), fullPage: true });
    await page.getByRole('button', { name: 'Nästa' }).click();

    await page.getByLabel('Lösenord').fill('fel-lösenord');
    await page.getByRole('button', { name: 'Logga in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('E-postadressen eller lösenordet är felaktigt.');
    await page.screenshot({ path: join(ARTIFACTS, 'sign-in-2-wrong-password.png'), fullPage: true });

    await page.getByLabel('Lösenord').fill('Sommar2025!x');
    await page.getByRole('button', { name: 'Logga in' }).click();

    await page.waitForURL(`${appUrl}/signin-oidc`);
    expect(await page.locator('#greeting').textContent()).toBe('Signed in as Anna Svensson');
    expect(await page.locator('#acr').textContent()).toBe('acr 2, amr pwd');
    await page.screenshot({ path: join(ARTIFACTS, 'sign-in-3-signed-in.png'), fullPage: true });
  });
});
