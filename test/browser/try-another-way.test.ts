import { join } from 'node:path';
import { createGuardrails, generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, startBrowserStage, type BrowserStage } from '../support/browser.js';

const TEXTS = {
  en: {
    locale: 'en-GB',
    email: 'Email address',
    saveEmail: 'Save my e-mail address for next time',
    next: 'Next',
    password: 'Password',
    signIn: 'Sign in',
    tryAnotherWay: 'Try another way',
    useEmergencyCode: 'Use your emergency code',
    emergencyCode: 'Emergency code',
    verify: 'Verify',
    question: 'Do you still have your authenticator app?',
    kept: 'I still have my authenticator app',
    lost: 'I have permanently lost access to my authenticator app',
    enrollTitle: 'Set up two-step verification',
    enrollCode: '2. Enter the 6-digit code the app shows.',
    activate: 'Activate',
    emergencyTitle: 'Your emergency code',
    continue: 'Continue',
  },
  sv: {
    locale: 'sv-SE',
    email: 'E-postadress',
    saveEmail: 'Spara min e-postadress till nästa gång',
    next: 'Nästa',
    password: 'Lösenord',
    signIn: 'Logga in',
    tryAnotherWay: 'Prova ett annat sätt',
    useEmergencyCode: 'Använd din nödkod',
    emergencyCode: 'Nödkod',
    verify: 'Verifiera',
    question: 'Har du kvar din autentiseringsapp?',
    kept: 'Jag har kvar min autentiseringsapp',
    lost: 'Jag har permanent förlorat åtkomsten till min autentiseringsapp',
    enrollTitle: 'Aktivera tvåstegsverifiering',
    enrollCode: '2. Ange den 6-siffriga koden som appen visar.',
    activate: 'Aktivera',
    emergencyTitle: 'Din nödkod',
    continue: 'Fortsätt',
  },
} as const;

describe('"Try another way" in a real browser', () => {
  let stage: BrowserStage;
  let browser: Browser;

  beforeAll(async () => {
    stage = await startBrowserStage((redirectUri) => ({
      domains: [{ name: 'foretaget.se', twoFactor: 'required' }],
      clients: [{ clientId: 'flex-hrm', name: 'Flex HRM', clientSecret: 'dev-secret', redirectUris: [redirectUri], includeCoreIdentityClaims: true }],
      users: [
        { email: 'erik@foretaget.se', password: 'Sommar2025!x', givenName: 'Erik', familyName: 'Johansson', totpSecret: 'KRUGS4ZANFZSA3LPMNVSAYLDMNXXK3TU', emergencyCode: 'AAAA-BBBB-CCCC-DDDD' },
        { email: 'stina@foretaget.se', password: 'Sommar2025!x', givenName: 'Stina', familyName: 'Berg', totpSecret: 'KRUGS4ZANFZSA3LPMNVSAYLDMNXXK3TU', emergencyCode: 'EEEE-FFFF-GGGG-HHHH' },
      ],
    }));
    ({ browser } = stage);
  });
  afterAll(() => stage?.close());

  const heading = (page: Page) => page.locator('h1').textContent();

  /** Signs in up to the code page, ticking "Save my email address", and takes "Try another way" to the emergency code. */
  async function toEmergencyCode(page: Page, t: (typeof TEXTS)[keyof typeof TEXTS], email: string, emergencyCode: string, shot: string): Promise<void> {
    await page.goto(`${stage.appUrl}/login`);
    await page.getByLabel(t.email, { exact: true }).fill(email);
    await page.getByLabel(t.saveEmail).check();
    await page.getByRole('button', { name: t.next }).click();
    await page.getByLabel(t.password).fill('Sommar2025!x');
    await page.getByRole('button', { name: t.signIn }).click();
    await page.getByRole('link', { name: t.tryAnotherWay }).click();
    await page.getByRole('link', { name: t.useEmergencyCode }).click();
    await page.getByLabel(t.emergencyCode).fill(emergencyCode);
    await page.screenshot({ path: join(ARTIFACTS, `${shot}-1-emergency-code.png`), fullPage: true });
    await page.getByRole('button', { name: t.verify }).click();
    await expect.poll(() => heading(page)).toBe(t.question);
    await page.screenshot({ path: join(ARTIFACTS, `${shot}-2-lost-authenticator.png`), fullPage: true });
  }

  it('in English: the emergency code, "I still have my authenticator app", the new code, back at the app with two factors', async () => {
    const t = TEXTS.en;
    const page = await browser.newPage({ locale: t.locale });
    await toEmergencyCode(page, t, 'erik@foretaget.se', 'AAAA-BBBB-CCCC-DDDD', 'try-another-way-en');
    await page.getByRole('button', { name: t.kept }).click();
    await expect.poll(() => heading(page)).toBe(t.emergencyTitle);
    expect(await page.locator('#emergency-code').textContent()).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    await page.getByRole('button', { name: t.continue }).click();
    await page.waitForURL(`${stage.appUrl}/signin-oidc`);
    expect(await page.locator('#acr').textContent()).toBe('acr 3, amr pwd,otp,mfa');

    // Signed out of everything but the saved address: the next sign-in starts with it filled in.
    const saved = (await page.context().cookies()).filter((cookie) => cookie.name === 'mvc_saved_email');
    expect(saved).toEqual([expect.objectContaining({ path: '/interaction', httpOnly: true, sameSite: 'Lax' })]);
    await page.context().clearCookies();
    await page.context().addCookies(saved);
    await page.goto(`${stage.appUrl}/login`);
    expect(await page.getByLabel(t.email, { exact: true }).inputValue()).toBe('erik@foretaget.se');
    expect(await page.getByLabel(t.saveEmail).isChecked()).toBe(true);
  });

  it('på svenska: nödkoden, "förlorat appen", en ny autentiseringsapp och en ny nödkod, tillbaka i tjänsten med två faktorer', async () => {
    const t = TEXTS.sv;
    const page = await browser.newPage({ locale: t.locale });
    await toEmergencyCode(page, t, 'stina@foretaget.se', 'eeee ffff gggg hhhh', 'try-another-way-sv');
    await page.getByRole('button', { name: t.lost }).click();
    await expect.poll(() => heading(page)).toBe(t.enrollTitle);
    const secret = (await page.locator('#totp-secret').textContent())!.replace(/\s/g, '');
    expect(secret).not.toBe('KRUGS4ZANFZSA3LPMNVSAYLDMNXXK3TU');
    await page.getByLabel(t.enrollCode).fill(await generate({ secret, guardrails: createGuardrails({ MIN_SECRET_BYTES: 10 }) }));
    await page.getByRole('button', { name: t.activate }).click();
    await expect.poll(() => heading(page)).toBe(t.emergencyTitle);
    await page.screenshot({ path: join(ARTIFACTS, 'try-another-way-sv-3-new-emergency-code.png'), fullPage: true });
    await page.getByRole('button', { name: t.continue }).click();
    await page.waitForURL(`${stage.appUrl}/signin-oidc`);
    expect(await page.locator('#acr').textContent()).toBe('acr 3, amr pwd,otp,mfa');
  });
});
