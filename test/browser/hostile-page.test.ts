import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGuardrails, generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserStage, type BrowserStage } from '../support/browser.js';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

describe('Account Settings against a hostile page, in a real browser', () => {
  let stage: BrowserStage;
  let browser: Browser;
  let issuer: string;
  /** Signed in to Account Settings; the tests run in order on it. */
  let page: Page;
  /** Another app on this machine serving hostile pages: another localhost port, so "same-site" and sent the SameSite=Lax session cookie. */
  let hostile: Server;
  let hostileOrigin: string;
  const hostilePages = new Map<string, string>();

  beforeAll(async () => {
    stage = await startBrowserStage((redirectUri) => ({
      clients: [{ clientId: 'flex-hrm', clientSecret: 'dev-secret', redirectUris: [redirectUri] }],
      users: [{ email: 'maja@fri.se', password: 'Maja&Pass2025', totpSecret: SECRET }],
    }));
    ({ browser, issuer } = stage);
    hostile = createServer((request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(hostilePages.get(request.url!) ?? ''));
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
    hostileOrigin = `http://localhost:${(hostile.address() as AddressInfo).port}`;

    page = await browser.newPage({ locale: 'en-GB' });
    await page.goto(`${issuer}/account`);
    await page.getByLabel('Email address').fill('maja@fri.se');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Password').fill('Maja&Pass2025');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Security code').fill(await generate({ secret: SECRET, guardrails: createGuardrails({ MIN_SECRET_BYTES: 10 }) }));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${issuer}/account`);
  }, 60_000);
  afterAll(async () => {
    hostile?.close();
    await stage?.close();
  });

  async function visitHostilePage(path: string, html: string): Promise<void> {
    hostilePages.set(path, html);
    await page.goto(`${hostileOrigin}${path}`);
  }

  it('refuses a form another site posts to remove 2FA, and keeps 2FA on', async () => {
    await visitHostilePage('/remove', `<form method="post" action="${issuer}/account/two-factor/remove"></form><script>document.forms[0].submit()</script>`);
    await page.waitForURL(`${issuer}/account/two-factor/remove`);
    expect(await page.locator('h1').textContent()).toBe('The form was not accepted');
    await page.goto(`${issuer}/account`);
    expect(await page.locator('#two-factor-status').textContent()).toContain('Two-step verification is on');
  });

  it('cannot be shown in another site’s frame', async () => {
    await visitHostilePage('/frame', `<iframe src="${issuer}/account"></iframe>`);
    const frame = page.frames().find((candidate) => candidate !== page.mainFrame())!;
    expect(frame.url()).toBe('chrome-error://chromewebdata/');
    expect(await frame.content()).toContain('ERR_BLOCKED_BY_RESPONSE');
  });

  it('takes the forms of its own page: a mail is sent, shown in the mailbox, and 2FA is removed', async () => {
    await page.goto(`${issuer}/account`);
    await page.getByRole('button', { name: 'Send a password reset e-mail' }).click();
    expect(await page.getByRole('status').textContent()).toBe('An e-mail is on its way to you.');

    await expect.poll(async () => (await page.request.get(`${issuer}/_mock/mail/latest?to=maja@fri.se`)).status(), { timeout: 10_000 }).toBe(200);
    await page.goto(`${issuer}/_mock/mail`);
    await page.locator('#mailbox a').first().click();
    // The mail's own HTML, in a srcdoc frame of the (unframeable) mail page, still shows.
    await expect.poll(() => page.frameLocator('iframe.mail-body').locator('body').textContent()).toContain('Hej');

    await page.goto(`${issuer}/account`);
    await page.getByRole('button', { name: 'Remove two-step verification' }).click();
    expect(await page.getByRole('status').textContent()).toBe('Two-step verification was removed.');
  });
});
