import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFixtureFile, type FixtureFile } from '../../provider/fixtures/index.js';
import { decideTwoFactor, type Decision } from '../../provider/policy/index.js';
import type { RunningEmulator } from '../../provider/server.js';
import { DEFAULT_FIXTURES_PATH } from '../../provider/server.js';
import { connectToMockVismaConnect, UserAgent } from '../../provider/testing/index.js';
import { ARTIFACTS, launchChromium } from '../support/browser.js';
import { startTestEmulator } from '../support/emulator.js';

interface Risk {
  trustedNetwork: boolean;
  rememberedDevice: boolean;
  stepUp: boolean;
}

interface Cell {
  user: string;
  app: string;
  outcome: string;
  rule: string;
  text: string;
}

/** What the policy engine decides for a fresh sign-in of every demo user to every demo app users sign in to. */
function expectedMatrix(fixtures: FixtureFile, risk: Risk): Map<string, Decision> {
  const apps = fixtures.clients.filter((client) => client.grantTypes.includes('authorization_code'));
  const expected = new Map<string, Decision>();
  for (const user of fixtures.users) {
    const domain = user.email.slice(user.email.indexOf('@') + 1);
    for (const app of apps) {
      const decision = decideTwoFactor({
        domainPolicy: fixtures.domains.find((policy) => policy.name === domain)?.twoFactor ?? 'optional',
        appPolicy: app.twoFactor,
        enrolled: user.totpSecret !== undefined,
        stepUp: { requested: risk.stepUp },
        sessionTwoFactorAt: undefined,
        now: Math.floor(Date.now() / 1000),
        trustedNetwork: risk.trustedNetwork,
        rememberedDevice: risk.rememberedDevice,
      });
      expected.set(`${user.email} ${app.clientId}`, decision);
    }
  }
  return expected;
}

const LABELS: Record<string, string> = { none: 'no 2FA', challenge: 'code asked', enroll: 'must enroll', 'enroll-optional': 'enrollment offered' };

const RISKS: Risk[] = [false, true].flatMap((trustedNetwork) => [false, true].flatMap((rememberedDevice) => [false, true].map((stepUp) => ({ trustedNetwork, rememberedDevice, stepUp }))));

const riskQuery = (risk: Risk) => new URLSearchParams(Object.entries(risk).flatMap(([name, on]): [string, string][] => (on ? [[name, 'on']] : []))).toString();

function readCells(page: Page): Promise<Cell[]> {
  return page.locator('td.cell').evaluateAll((cells) =>
    cells.map((cell) => ({
      user: cell.getAttribute('data-user')!,
      app: cell.getAttribute('data-app')!,
      outcome: cell.getAttribute('data-outcome')!,
      rule: cell.getAttribute('data-rule')!,
      text: (cell.textContent ?? '').replace(/\s+/g, ' ').trim(),
    })),
  );
}

/** How long the room's script may take to change the page on a loaded machine (not a speed requirement). */
const SCRIPT_WAIT = { timeout: 15_000 };

/** Presses a button that submits a form, and waits for the page the browser lands on. */
async function press(button: Locator): Promise<void> {
  const loaded = button.page().waitForEvent('load');
  await button.click();
  await loaded;
}

const cell = (page: Page, user: string, app: string) => page.locator(`td.cell[data-user="${user}"][data-app="${app}"]`);

async function clockOffset(url: string): Promise<number> {
  return ((await (await fetch(`${url}/_mock/clock`)).json()) as { offsetSeconds: number }).offsetSeconds;
}

describe('the control room at /_mock in a real browser', () => {
  let emulator: RunningEmulator;
  let browser: Browser;
  let fixtures: FixtureFile;
  let room: string;

  beforeAll(async () => {
    [emulator, browser, fixtures] = await Promise.all([startTestEmulator(), launchChromium(), readFixtureFile(DEFAULT_FIXTURES_PATH)]);
    room = `${emulator.url}/_mock`;
  });
  afterAll(async () => {
    await browser?.close();
    await emulator?.close();
  });
  beforeEach(() => emulator.reset());

  it('shows for every demo user and app the outcome and rule the policy engine decides, for every risk', async () => {
    const page = await browser.newPage();
    for (const risk of RISKS) {
      await page.goto(`${room}?${riskQuery(risk)}`);
      const expected = expectedMatrix(fixtures, risk);
      const cells = await readCells(page);
      expect(cells.map((c) => `${c.user} ${c.app}`).sort()).toEqual([...expected.keys()].sort());
      for (const shown of cells) {
        const decision = expected.get(`${shown.user} ${shown.app}`)!;
        expect({ cell: `${shown.user} on ${shown.app}`, risk, outcome: shown.outcome, rule: shown.rule }).toEqual({ cell: `${shown.user} on ${shown.app}`, risk, outcome: decision.outcome, rule: decision.rule });
        expect(shown.text).toBe(`${{ none: '○', challenge: '●', enroll: '▲', 'enroll-optional': '△' }[decision.outcome]} ${LABELS[decision.outcome]} rule ${decision.rule}`);
      }
    }
    await page.close();
  });

  it("shows the seed's three priority rows as DESIGN §5 states them", async () => {
    const page = await browser.newPage();
    await page.goto(room);
    // Domain required + app bypass: no prompt.
    expect(await cell(page, 'anna.svensson@foretaget.se', 'bypass-app').textContent()).toMatch(/no 2FA\s+rule bypass/);
    expect(await cell(page, 'erik.johansson@foretaget.se', 'bypass-app').textContent()).toMatch(/no 2FA\s+rule bypass/);
    // Domain optional + app required: required (Maria has no authenticator: enrollment she cannot skip).
    expect(await cell(page, 'maria.lindqvist@exempel.se', 'required-app').textContent()).toMatch(/must enroll\s+rule required/);
    // Domain required + app adaptive: required, even on a trusted network.
    expect(await cell(page, 'anna.svensson@foretaget.se', 'adaptive-app').textContent()).toMatch(/code asked\s+rule required/);
    await page.goto(`${room}?trustedNetwork=on`);
    expect(await cell(page, 'anna.svensson@foretaget.se', 'adaptive-app').textContent()).toMatch(/code asked\s+rule required/);
    expect(await cell(page, 'maria.lindqvist@exempel.se', 'adaptive-app').textContent()).toMatch(/no 2FA\s+rule adaptive/);
    await page.close();
  });

  it('redraws the matrix when a risk switch is flipped, and a cell opens its full trace', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(room);
    await expect.poll(() => page.locator('html').getAttribute('data-room-script'), SCRIPT_WAIT).toBe('on');
    expect(await cell(page, 'maria.lindqvist@exempel.se', 'adaptive-app').getAttribute('data-outcome')).toBe('enroll-optional');
    expect(await cell(page, 'anna.svensson@foretaget.se', 'bypass-app').getAttribute('data-rule')).toBe('bypass');

    await page.getByRole('checkbox', { name: 'Trusted network' }).check();
    await expect.poll(() => cell(page, 'maria.lindqvist@exempel.se', 'adaptive-app').getAttribute('data-outcome'), SCRIPT_WAIT).toBe('none');
    expect(page.url()).toContain('trustedNetwork=on');

    await page.getByLabel('Step-up asked (acr_values)').check();
    await expect.poll(() => cell(page, 'anna.svensson@foretaget.se', 'bypass-app').getAttribute('data-rule'), SCRIPT_WAIT).toBe('step-up');
    expect(await cell(page, 'anna.svensson@foretaget.se', 'bypass-app').getAttribute('data-outcome')).toBe('challenge');

    await cell(page, 'anna.svensson@foretaget.se', 'bypass-app').getByRole('link').click();
    const trace = page.getByRole('region', { name: 'Trace of anna.svensson@foretaget.se on bypass-app' });
    await expect.poll(() => trace.isVisible(), SCRIPT_WAIT).toBe(true);
    const steps = (await trace.locator('ol.steps li').allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim());
    expect(steps).toEqual(['✔ step-up: step-up asked for 2FA (a remembered device does not satisfy a step-up) → code asked']);
    expect(await trace.locator('dl.inputs').textContent()).toMatch(/app policy\s*bypass/);
    await page.screenshot({ path: join(ARTIFACTS, 'control-room-trace.png'), fullPage: false });
    await page.close();
  });

  it('shows each enrolled user’s current TOTP code, and a new one after the clock moves a step', async () => {
    const connect = await connectToMockVismaConnect({ url: emulator.url, fixtures: DEFAULT_FIXTURES_PATH });
    const page = await browser.newPage();
    await page.goto(room);
    const anna = page.locator('tr[data-user="anna.svensson@foretaget.se"]');
    /**
     * The code shown, once its step has at least 3 s left (the page draws it when it loads and again only
     * after its countdown reaches 0), read between two reads of the emulator's current code.
     */
    const shownCode = async () => {
      await expect.poll(async () => Number(await anna.locator('[data-seconds-left]').textContent()), { timeout: 5_000 }).toBeGreaterThanOrEqual(3);
      const before = await connect.totp('anna.svensson@foretaget.se');
      const shown = await anna.locator('[data-totp]').textContent();
      expect([before, await connect.totp('anna.svensson@foretaget.se')]).toContain(shown);
      return shown;
    };
    const first = await shownCode();
    expect(Number(await anna.locator('[data-seconds-left]').textContent())).toBeLessThanOrEqual(30);
    expect(await page.locator('tr[data-user="erik.johansson@foretaget.se"] [data-totp]').count()).toBe(0);

    await press(page.getByRole('button', { name: '30 s' }));
    expect(await shownCode()).not.toBe(first);
    await page.close();
  });

  it('counts the code’s seconds down, and shows a decision taken while it is open without a reload', async () => {
    const connect = await connectToMockVismaConnect({ url: emulator.url, fixtures: DEFAULT_FIXTURES_PATH });
    const page = await browser.newPage();
    await page.goto(room);
    await expect.poll(() => page.locator('html').getAttribute('data-room-script'), SCRIPT_WAIT).toBe('on');
    const secondsLeft = page.locator('tr[data-user="anna.svensson@foretaget.se"] [data-seconds-left]');
    const first = await secondsLeft.textContent();
    await expect.poll(() => secondsLeft.textContent(), SCRIPT_WAIT).not.toBe(first);
    expect(await page.locator('#no-decisions').count()).toBe(1);

    await connect.signIn({ client: 'bypass-app', user: 'erik.johansson@foretaget.se' });
    await expect.poll(() => page.locator('#decision-list li.decision').count(), SCRIPT_WAIT).toBe(1);
    expect(await page.locator('#decision-list li.decision').getAttribute('data-rule')).toBe('bypass');
    await page.close();
  });

  it('moves the clock with its buttons, and back to real time with "now"', async () => {
    const page = await browser.newPage();
    await page.goto(room);
    const steps: [string, number][] = [
      ['30 s', 30],
      ['31 min', 31 * 60],
      ['10 h', 10 * 3600],
      ['30 days', 30 * 86400],
    ];
    let total = 0;
    for (const [label, seconds] of steps) {
      await press(page.getByRole('button', { name: label, exact: true }));
      total += seconds;
      expect(await clockOffset(emulator.url)).toBeGreaterThanOrEqual(total);
      expect(await clockOffset(emulator.url)).toBeLessThan(total + 1);
    }
    expect(await page.locator('#notice').textContent()).toBe('The clock moved.');
    expect(await page.locator('#clock-offset').textContent()).toMatch(/from real time/);
    await press(page.getByRole('button', { name: 'Now (real time)' }));
    expect(Math.abs(await clockOffset(emulator.url))).toBeLessThan(1);
    await page.close();
  });

  it('lists the decisions of real sign-ins, newest first, each with its trace and the sign-in it belongs to', async () => {
    const connect = await connectToMockVismaConnect({ url: emulator.url, fixtures: DEFAULT_FIXTURES_PATH });
    const anna = new UserAgent();
    await connect.signIn({ client: 'bypass-app', user: 'anna.svensson@foretaget.se' });
    await connect.signIn({ client: 'flex-hrm', user: 'anna.svensson@foretaget.se', remember: true, browser: anna });
    // Single sign-on: decided at authorize, for the session that has done 2FA.
    await connect.signIn({ client: 'required-app', user: 'anna.svensson@foretaget.se', browser: anna });
    const page = await browser.newPage();
    await page.goto(`${room}#decisions`);
    expect(await page.locator('tr[data-user="anna.svensson@foretaget.se"] td').last().textContent()).toMatch(/^1: since \d{4}-\d\d-\d\dT/);
    const decisions = page.locator('#decision-list li.decision');
    expect(await decisions.evaluateAll((items) => items.map((item) => `${item.getAttribute('data-client')} ${item.getAttribute('data-outcome')} ${item.getAttribute('data-rule')}`))).toEqual([
      'required-app none required',
      'flex-hrm challenge required',
      'bypass-app none bypass',
    ]);
    expect(await decisions.nth(0).locator('.sign-in').textContent()).toMatch(/^Sign-in: session \S+/);
    await decisions.nth(1).locator('summary').click();
    expect(await decisions.nth(1).locator('ol.steps li.matched').textContent()).toMatch(/required: 2FA is required by the domain/);
    expect(await decisions.nth(1).locator('.sign-in').textContent()).toMatch(/^Sign-in: interaction \S+/);

    await page.goto(`${room}/decisions`);
    expect(await page.locator('h1').textContent()).toBe('2FA decisions');
    expect(await page.locator('li.decision').count()).toBe(3);
    await page.close();
  });

  it('shows fixture errors by path, and applies valid fixtures to the matrix', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(room);
    const editor = page.getByLabel('Fixtures to merge');
    await editor.fill('domains:\n  - name: exempel.se\n    twoFactor: sometimes\nclients:\n  - clientId: x\n    colour: blue\n');
    await press(page.getByRole('button', { name: 'Check' }));
    const problems = page.locator('#fixture-problems li');
    expect(await problems.allTextContents()).toEqual([
      'domains[0].twoFactor: must be optional or required',
      'clients[0]: unknown key "colour"',
      'clients[0].redirectUris: must list at least one URI for a client with the authorization_code grant',
    ]);
    await page.locator('#fixtures').screenshot({ path: join(ARTIFACTS, 'control-room-fixture-errors.png') });

    await page.getByLabel('Fixtures to merge').fill('domains: [\n');
    await press(page.getByRole('button', { name: 'Check' }));
    expect(await problems.first().textContent()).toMatch(/^line \d+, column \d+: /);

    await page.getByLabel('Fixtures to merge').fill('domains:\n  - name: exempel.se\n    twoFactor: required\n');
    await press(page.getByRole('button', { name: 'Check' }));
    expect(await page.locator('#fixture-check').textContent()).toBe('Valid: applying it merges 0 tenants, 1 domains, 0 clients and 0 users.');
    expect(await cell(page, 'maria.lindqvist@exempel.se', 'flex-hrm').getAttribute('data-outcome')).toBe('none');

    await press(page.getByRole('button', { name: 'Apply' }));
    expect(await cell(page, 'maria.lindqvist@exempel.se', 'flex-hrm').textContent()).toMatch(/must enroll\s+rule required/);
    expect(await page.locator('#domains tr', { hasText: 'exempel.se' }).textContent()).toMatch(/required/);
    await page.close();
  });

  it('resets the emulator to the loaded fixtures', async () => {
    const page = await browser.newPage();
    await page.goto(room);
    await page.getByLabel('Fixtures to merge').fill('domains:\n  - name: exempel.se\n    twoFactor: required\n');
    await press(page.getByRole('button', { name: 'Apply' }));
    await press(page.getByRole('button', { name: '10 h' }));

    await press(page.getByRole('button', { name: 'Reset the emulator' }));
    expect(Math.abs(await clockOffset(emulator.url))).toBeLessThan(1);
    expect(await cell(page, 'maria.lindqvist@exempel.se', 'flex-hrm').getAttribute('data-outcome')).toBe('none');
    expect(await page.locator('#notice').textContent()).toMatch(/^Back to the loaded fixtures/);
    await page.close();
  });

  it('sets the risk of the next sign-ins and queues faults from its forms', async () => {
    const page = await browser.newPage();
    await page.goto(room);
    await page.getByLabel('Trusted network for the next sign-ins').selectOption('true');
    await page.getByLabel("Client address (instead of the request's)").fill('not-an-address');
    await press(page.getByRole('button', { name: 'Save risk' }));
    expect(await page.locator('#risk-error').textContent()).toBe('clientIp must be an IPv4 or IPv6 address');
    expect(await page.getByLabel('Trusted network for the next sign-ins').inputValue()).toBe('true');
    expect(await (await fetch(`${room}/risk`)).json()).toEqual({});

    await page.getByLabel("Client address (instead of the request's)").fill('192.0.2.10');
    await press(page.getByRole('button', { name: 'Save risk' }));
    expect(await (await fetch(`${room}/risk`)).json()).toEqual({ trustedNetwork: true, clientIp: '192.0.2.10' });

    await page.getByLabel('Endpoint').selectOption('token');
    await page.getByLabel('Status').fill('503');
    await press(page.getByRole('button', { name: 'Queue fault' }));
    expect(await page.locator('#fault-list').textContent()).toMatch(/token: 1 more, 0 ms delay, status 503/);
    await page.close();
  });

  it('refuses a form that a page on another site posts to it', async () => {
    const hostile = await hostilePage(`<form method="post" action="${room}/room/reset"><input name="__RequestVerificationToken" value="guessed"><button>Win a prize</button></form>`);
    try {
      const page = await browser.newPage();
      await page.goto(`${room}`);
      await press(page.getByRole('button', { name: '31 min' }));
      await page.goto(hostile.url);
      await press(page.getByRole('button', { name: 'Win a prize' }));
      expect(await page.locator('h1').textContent()).toBe('The form was not accepted');
      expect(await clockOffset(emulator.url)).toBeGreaterThanOrEqual(31 * 60);
      await page.close();
    } finally {
      hostile.server.close();
    }
  });

  it('renders a screenshot of the whole room for the README', async () => {
    const connect = await connectToMockVismaConnect({ url: emulator.url, fixtures: DEFAULT_FIXTURES_PATH });
    await connect.signIn({ client: 'flex-hrm', user: 'anna.svensson@foretaget.se' });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(room);
    await page.screenshot({ path: join(ARTIFACTS, 'control-room.png'), fullPage: true });
    // The README's picture (docs/control-room.png is a copy): the clock, the matrix and the decisions.
    await page.screenshot({ path: join(ARTIFACTS, 'control-room-readme.png'), fullPage: true, clip: { x: 0, y: 0, width: 1280, height: (await page.locator('#world').boundingBox())!.y } });
    expect(await page.locator('td.cell').count()).toBe(20);
    await page.close();
  });
});

/** A page on another origin (another port of this machine) that the test's browser opens. */
async function hostilePage(body: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<!DOCTYPE html><title>Not the emulator</title>${body}`));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}
