import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { findChromium } from './chromium.js';
import { DemoApp } from './demo-app.js';
import { startTestEmulator } from './emulator.js';

export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

/** The machine's Chromium or Chrome, headless. Having none is a failure that says how to get one, never a silent skip. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** The stage of a browser test: a Flex-HRM-like app, the emulator it signs in with, and Chromium. */
export interface BrowserStage {
  appUrl: string;
  issuer: string;
  browser: Browser;
  close(): Promise<void>;
}

/** Starts the app first (its redirect URI goes into the fixtures), then the emulator with `fixtures(redirectUri)`, then Chromium. */
export async function startBrowserStage(fixtures: (redirectUri: string) => object): Promise<BrowserStage> {
  const app = new DemoApp();
  const appUrl = await app.listen();
  const emulator = await startTestEmulator({ fixtures: fixtures(app.redirectUri) });
  await app.connect(emulator.issuer, 'flex-hrm', 'dev-secret');
  const browser = await launchChromium();
  return {
    appUrl,
    issuer: emulator.issuer,
    browser,
    async close() {
      await browser.close();
      await emulator.close();
      app.close();
    },
  };
}
