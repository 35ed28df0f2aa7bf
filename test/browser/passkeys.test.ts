import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ARTIFACTS, startBrowserStage, type BrowserStage } from '../support/browser.js';

const PASSWORD = 'Sommar2025!x';
const ANNA_SUB = '0c3a8f1e-5b7d-4c2a-9e61-3f0b2d4a6c81';
const ANNA_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const ANNA_CREDENTIAL = randomBytes(16).toString('base64url');

/** A page with Chromium's virtual authenticator: a platform one (passkeys, user verification) or a USB security key. */
async function withAuthenticator(page: Page, kind: 'platform' | 'usb'): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const options =
    kind === 'platform'
      ? { protocol: 'ctap2' as const, transport: 'internal' as const, hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true }
      : { protocol: 'ctap2' as const, transport: 'usb' as const, hasResidentKey: false, hasUserVerification: false, automaticPresenceSimulation: true };
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options });
  return { cdp, authenticatorId };
}

/** Puts a passkey (a resident credential for localhost) into the virtual authenticator. */
async function addPasskey(cdp: CDPSession, authenticatorId: string, credentialId: string, privateKeyPem: string, sub: string): Promise<void> {
  const der = createPrivateKey(privateKeyPem).export({ format: 'der', type: 'pkcs8' });
  await cdp.send('WebAuthn.addCredential', {
    authenticatorId,
    credential: {
      credentialId: Buffer.from(credentialId, 'base64url').toString('base64'),
      isResidentCredential: true,
      rpId: 'localhost',
      privateKey: der.toString('base64'),
      userHandle: Buffer.from(sub, 'utf8').toString('base64'),
      signCount: 0,
    },
  });
}

describe("passkeys and security keys in a real browser (Chromium's virtual authenticator)", () => {
  let stage: BrowserStage;
  let appUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    stage = await startBrowserStage((redirectUri) => ({
      domains: [{ name: 'foretaget.se', twoFactor: 'required' }],
      clients: [{ clientId: 'flex-hrm', name: 'Flex HRM', clientSecret: 'dev-secret', redirectUris: [redirectUri], includeCoreIdentityClaims: true }],
      users: [
        { email: 'anna.svensson@example.se', sub: ANNA_SUB, password: PASSWORD, givenName: 'Anna', familyName: 'Svensson', passkeys: [{ credentialId: ANNA_CREDENTIAL, privateKey: ANNA_KEY, name: 'Annas laptop' }] },
        { email: 'per.nilsson@example.se', password: PASSWORD, givenName: 'Per', familyName: 'Nilsson' },
        { email: 'erik.johansson@foretaget.se', password: PASSWORD, givenName: 'Erik', familyName: 'Johansson' },
        { email: 'lena.berg@example.se', password: PASSWORD, givenName: 'Lena', familyName: 'Berg' },
      ],
    }));
    ({ appUrl, browser } = stage);
  });
  afterAll(() => stage?.close());
  beforeEach(async () => {
    expect((await fetch(`${stage.issuer}/_mock/reset`, { method: 'POST' })).status).toBe(200);
  });

  /** A new browser (context) whose platform authenticator holds Anna's passkey. */
  async function withAnnasPasskey(locale: string) {
    const context = await browser.newContext({ locale });
    const page = await context.newPage();
    const { cdp, authenticatorId } = await withAuthenticator(page, 'platform');
    await addPasskey(cdp, authenticatorId, ANNA_CREDENTIAL, ANNA_KEY, ANNA_SUB);
    return { context, page, cdp, authenticatorId };
  }

  /** Identifier and password in English, once the page's script has found the platform authenticator (a passkey may then be offered). */
  async function passwordSignInWithAuthenticator(page: Page, email: string): Promise<void> {
    await page.goto(`${appUrl}/login`);
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => page.locator('input[name="PasskeyCapable"]').inputValue()).toBe('true');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  async function passwordSignIn(page: Page, email: string, labels: { email: string; next: string; password: string; signIn: string }): Promise<void> {
    await page.goto(`${appUrl}/login`);
    await page.getByLabel(labels.email).fill(email);
    await page.getByRole('button', { name: labels.next }).click();
    await page.getByLabel(labels.password).fill(PASSWORD);
    await page.getByRole('button', { name: labels.signIn, exact: true }).click();
  }
  const ENGLISH = { email: 'Email address', next: 'Next', password: 'Password', signIn: 'Sign in' };

  it('offers a passkey after a password sign-in, makes it, and signs in with it from the identifier page (English)', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    const { cdp, authenticatorId } = await withAuthenticator(page, 'platform');
    await passwordSignInWithAuthenticator(page, 'per.nilsson@example.se');

    await expect.poll(() => page.locator('h1').textContent()).toBe('Tired of passwords?');
    await page.screenshot({ path: join(ARTIFACTS, 'passkeys-1-offer.png'), fullPage: true });
    await page.getByRole('button', { name: 'Create a passkey' }).click();
    await page.waitForURL(`${appUrl}/signin-oidc`);
    expect(await page.locator('#acr').textContent()).toBe('acr 2, amr pwd');
    expect((await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials).toHaveLength(1);

    await context.clearCookies();
    await page.goto(`${appUrl}/login`);
    await page.getByRole('button', { name: 'Sign in with a security key or biometrics' }).click();
    await page.waitForURL(`${appUrl}/signin-oidc`);
    expect(await page.locator('#greeting').textContent()).toBe('Signed in as Per Nilsson');
    expect(await page.locator('#acr').textContent()).toBe('acr 3, amr pwdless,mfa');
    await context.close();
  });

  it('does not offer a passkey again once the user said "Not now"', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await withAuthenticator(page, 'platform');
    await passwordSignInWithAuthenticator(page, 'lena.berg@example.se');
    await page.getByRole('button', { name: 'Not now' }).click();
    await page.waitForURL(`${appUrl}/signin-oidc`);

    await context.clearCookies();
    await passwordSignInWithAuthenticator(page, 'lena.berg@example.se');
    await page.waitForURL(`${appUrl}/signin-oidc`);
    expect(await page.locator('#acr').textContent()).toBe('acr 2, amr pwd');
    await context.close();
  });

  it('signs in with a fixture passkey from the identifier page, and manages it in Account Settings (Swedish)', async () => {
    const { context, page } = await withAnnasPasskey('sv-SE');
    await page.goto(`${appUrl}/login`);
    await page.screenshot({ path: join(ARTIFACTS, 'passkeys-2-identifier.png'), fullPage: true });
    await page.getByRole('button', { name: 'Logga in med säkerhetsnyckel eller biometrik' }).click();
    await page.waitForURL(`${appUrl}/signin-oidc`);
    expect(await page.locator('#acr').textContent()).toBe('acr 3, amr pwdless,mfa');

    await page.goto(`${stage.issuer}/account`);
    const item = page.locator('li.credential');
    await expect.poll(() => item.locator('.credential-name').textContent()).toBe('Annas laptop');
    expect(await item.locator('.credential-kind').textContent()).toBe('Nyckel (passkey)');
    await item.getByLabel('Namn').fill('Jobbdatorn');
    await item.getByRole('button', { name: 'Byt namn' }).click();
    await expect.poll(() => page.locator('.notice').textContent()).toBe('Namnet ändrades.');
    expect(await page.locator('li.credential .credential-name').textContent()).toBe('Jobbdatorn');

    await page.getByRole('button', { name: 'Skapa en nyckel' }).click();
    // The authenticator already holds this account's passkey: the browser refuses to make a second one.
    await expect.poll(() => page.locator('.validation-summary li').textContent()).toBe('Den här nyckeln eller säkerhetsnyckeln är redan registrerad.');

    await page.locator('li.credential').getByRole('button', { name: 'Ta bort' }).click();
    await expect.poll(() => page.locator('.notice').textContent()).toBe('Den togs bort.');
    expect(await page.locator('#credentials-none').textContent()).toBe('Du har inga nycklar eller säkerhetsnycklar.');

    // Deleted on the server, still in the authenticator: an unknown credential now.
    await context.clearCookies();
    await page.goto(`${appUrl}/login`);
    await page.getByRole('button', { name: 'Logga in med säkerhetsnyckel eller biometrik' }).click();
    await expect.poll(() => page.locator('.validation-summary li').textContent()).toBe('Den här nyckeln eller säkerhetsnyckeln är inte registrerad på något konto här. Använd en annan, eller ditt lösenord.');
    await context.close();
  });

  it('signs in with a passkey from the password page, where it is a link beside the only "Logga in" button (Swedish)', async () => {
    const { context, page } = await withAnnasPasskey('sv-SE');
    await page.goto(`${appUrl}/login`);
    await page.getByLabel('E-postadress', { exact: true }).fill('anna.svensson@example.se');
    await page.getByRole('button', { name: 'Nästa' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Logga in' }).count()).toBe(1);
    await page.getByRole('link', { name: 'Logga in med säkerhetsnyckel eller biometrik' }).click();
    await page.waitForURL(`${appUrl}/signin-oidc`);
    expect(await page.locator('#acr').textContent()).toBe('acr 3, amr pwdless,mfa');
    await context.close();
  });

  it('enrolls a security key as the second factor and is asked for it at the next sign-in: amr pwd, hwk, mfa (English)', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await withAuthenticator(page, 'usb');
    await passwordSignIn(page, 'erik.johansson@foretaget.se', ENGLISH);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Set up two-step verification');
    await page.getByRole('link', { name: 'Use a security key instead of an app' }).click();
    await page.getByLabel('Name (optional)').fill('YubiKey 5');
    await page.getByRole('button', { name: 'Register security key' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Your emergency code');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${appUrl}/signin-oidc`);
    expect(await page.locator('#acr').textContent()).toBe('acr 3, amr pwd,hwk,mfa');

    await context.clearCookies();
    await passwordSignIn(page, 'erik.johansson@foretaget.se', ENGLISH);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Use your security key');
    await page.screenshot({ path: join(ARTIFACTS, 'passkeys-3-security-key.png'), fullPage: true });
    await page.getByRole('button', { name: 'Use security key' }).click();
    await page.waitForURL(`${appUrl}/signin-oidc`);
    expect(await page.locator('#acr').textContent()).toBe('acr 3, amr pwd,hwk,mfa');
    await context.close();
  });

  it('sets up a security key in Account Settings through the wizard, and the next sign-in asks for it (Swedish)', async () => {
    const context = await browser.newContext({ locale: 'sv-SE' });
    const page = await context.newPage();
    const signInAsLena = async () => {
      await page.getByLabel('E-postadress', { exact: true }).fill('lena.berg@example.se');
      await page.getByRole('button', { name: 'Nästa' }).click();
      await page.getByLabel('Lösenord', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Logga in', exact: true }).click();
    };
    await page.goto(`${stage.issuer}/account`);
    await signInAsLena();
    await page.getByRole('button', { name: 'Aktivera tvåstegsverifiering' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Aktivera tvåstegsverifiering');

    await withAuthenticator(page, 'usb');
    await page.getByRole('link', { name: 'Använd en säkerhetsnyckel i stället för en app' }).click();
    await page.getByLabel('Namn (valfritt)').fill('Nyckelring');
    await page.getByRole('button', { name: 'Registrera säkerhetsnyckel' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Din nödkod');
    await page.getByRole('button', { name: 'Fortsätt' }).click();
    await expect.poll(() => page.locator('#two-factor-status').textContent()).toContain('Tvåstegsverifiering är på');
    expect(await page.locator('li.credential .credential-name').textContent()).toBe('Nyckelring');
    expect(await page.locator('li.credential .credential-kind').textContent()).toBe('Säkerhetsnyckel');

    await context.clearCookies();
    await page.goto(`${appUrl}/login`);
    await signInAsLena();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Använd din säkerhetsnyckel');
    await page.getByRole('button', { name: 'Använd säkerhetsnyckel' }).click();
    await page.waitForURL(`${appUrl}/signin-oidc`);
    expect(await page.locator('#acr').textContent()).toBe('acr 3, amr pwd,hwk,mfa');
    await context.close();
  });

  it('says so on the page when the ceremony is cancelled, in English and in Swedish', async () => {
    for (const [locale, button, message] of [
      ['en-GB', 'Sign in with a security key or biometrics', 'The sign-in with your security key or biometrics was cancelled, or timed out. Try again.'],
      ['sv-SE', 'Logga in med säkerhetsnyckel eller biometrik', 'Inloggningen med säkerhetsnyckel eller biometrik avbröts eller tog för lång tid. Försök igen.'],
    ] as const) {
      const { context, page, cdp, authenticatorId } = await withAnnasPasskey(locale);
      // The user does not verify (cancels the fingerprint prompt): the browser gives up with NotAllowedError.
      await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
      await page.goto(`${appUrl}/login`);
      await page.getByRole('button', { name: button }).click();
      await expect.poll(() => page.locator('.validation-summary li').textContent()).toBe(message);
      await context.close();
    }
  });

  it('refuses a replayed answer and one made for another origin, with a message on the page', async () => {
    const { context, page } = await withAnnasPasskey('en-GB');
    let first: string | undefined;
    await page.route('**/passkey', async (route) => {
      first ??= route.request().postData() ?? undefined;
      await route.continue();
    });
    await page.goto(`${appUrl}/login`);
    await page.getByRole('button', { name: 'Sign in with a security key or biometrics' }).click();
    await page.waitForURL(`${appUrl}/signin-oidc`);

    // The next sign-in posts the first one's answer again.
    await context.clearCookies();
    await page.unrouteAll();
    await page.route('**/passkey', (route) => route.continue({ postData: first }));
    await page.goto(`${appUrl}/login`);
    await page.getByRole('button', { name: 'Sign in with a security key or biometrics' }).click();
    await expect.poll(() => page.locator('.validation-summary li').textContent()).toBe('This answer from your security key has already been used or has expired. Try again.');

    // An answer whose client data names another origin (as a phishing page's would).
    await page.unrouteAll();
    await page.route('**/passkey', (route) => {
      const form = new URLSearchParams(route.request().postData() ?? '');
      const answer = JSON.parse(form.get('WebAuthnResponse')!);
      const clientData = JSON.parse(Buffer.from(answer.response.clientDataJSON, 'base64url').toString());
      answer.response.clientDataJSON = Buffer.from(JSON.stringify({ ...clientData, origin: 'https://connect-visma.example' })).toString('base64url');
      form.set('WebAuthnResponse', JSON.stringify(answer));
      return route.continue({ postData: form.toString() });
    });
    await page.goto(`${appUrl}/login`);
    await page.getByRole('button', { name: 'Sign in with a security key or biometrics' }).click();
    await expect.poll(() => page.locator('.validation-summary li').textContent()).toBe('The answer from your security key was made for another website, so it was not accepted.');
    await context.close();
  });
});
