import type { FixtureInput } from '../../provider/fixtures/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { connectToMockVismaConnect, readForm, textOf, UserAgent, type Page } from '../../provider/testing/index.js';
import { attribute, documentOf, elementsIn, visibleText } from '../../provider/testing/web/html.js';
import { startTestEmulator } from '../support/emulator.js';
import { FROM_ANOTHER_SITE } from '../support/hostile.js';

const fixtures = {
  domains: [{ name: 'foretaget.se', twoFactor: 'required' }],
  clients: [
    { clientId: 'bypass-app', clientSecret: 'x', redirectUris: ['http://localhost:3001/cb'], twoFactor: 'bypass' },
    { clientId: 'hrm-api', clientSecret: 'x', grantTypes: ['client_credentials'], scopes: ['connect:users'] },
  ],
  users: [
    { email: 'anna@foretaget.se', password: 'Sommar2025!x', totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DP' },
    { email: 'bo@exempel.se', password: 'Sommar2025!x' },
  ],
} satisfies FixtureInput;

const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

/** The matrix cells of a room page, as `user app: outcome rule`. */
function matrixCells(page: Page): string[] {
  return [...elementsIn(documentOf(page))]
    .filter((element) => element.tagName === 'td' && attribute(element, 'data-outcome') !== undefined)
    .map((cell) => `${attribute(cell, 'data-user')} ${attribute(cell, 'data-app')}: ${visibleText(cell)}`);
}

async function clockOffset(emulator: RunningEmulator): Promise<number> {
  return ((await (await fetch(`${emulator.url}/_mock/clock`)).json()) as { offsetSeconds: number }).offsetSeconds;
}

describe('the control room without JavaScript', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
  });
  afterAll(() => emulator.close());

  it('renders the world and the matrix as HTML for a browser, under a CSP that allows only its own script', async () => {
    const page = await new UserAgent({ headers: HTML }).get(`${emulator.url}/_mock`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(textOf(page, 'control-room')).toContain('Who gets 2FA where');
    expect(matrixCells(page)).toEqual(['anna@foretaget.se bypass-app: ○ no 2FA rule bypass', 'bo@exempel.se bypass-app: ○ no 2FA rule bypass']);
    expect(textOf(page, 'apps')).toContain('hrm-api');
    expect(textOf(page, 'users')).toMatch(/anna@foretaget\.se required enrolled \d{6} \d+ s left no none/);
  });

  it('draws the matrix for the risk its GET form asks for', async () => {
    const agent = new UserAgent({ headers: HTML });
    const page = await agent.submit(await agent.get(`${emulator.url}/_mock`), { stepUp: true }, { id: 'risk-switches' });
    expect(page.url).toContain('stepUp=on');
    expect(matrixCells(page)).toEqual(['anna@foretaget.se bypass-app: ● code asked rule step-up', 'bo@exempel.se bypass-app: ▲ must enroll rule step-up']);
  });

  it('keeps answering scripts with JSON: /_mock/decisions, and nothing new at /_mock', async () => {
    const decisions = await fetch(`${emulator.url}/_mock/decisions`);
    expect(decisions.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await decisions.json()).toEqual({ decisions: [] });
    expect((await fetch(`${emulator.url}/_mock`)).status).toBe(404);
    const page = await new UserAgent({ headers: HTML }).get(`${emulator.url}/_mock/decisions`);
    expect(textOf(page, 'decision-list')).toMatch(/No sign-in has been decided yet/);
  });

  it('moves the clock from its form, which carries the room’s token', async () => {
    await emulator.reset();
    const agent = new UserAgent({ headers: HTML });
    const room = await agent.get(`${emulator.url}/_mock`);
    const moved = await agent.submit(room, { advanceSeconds: String(31 * 60) }, { id: 'clock-form' });
    expect(moved.status).toBe(303);
    expect(moved.location).toBe(`${emulator.url}/_mock?done=clock#clock`);
    expect(await clockOffset(emulator)).toBeGreaterThanOrEqual(31 * 60);
  });

  it('shows a user locked out after 8 wrong passwords', async () => {
    await emulator.reset();
    const connect = await connectToMockVismaConnect({ url: emulator.url, fixtures });
    for (let attempt = 0; attempt < 8; attempt += 1) {
      await expect(connect.signIn({ client: 'bypass-app', user: 'bo@exempel.se', password: 'Wrong2025!x' })).rejects.toThrow();
    }
    const page = await new UserAgent({ headers: HTML }).get(`${emulator.url}/_mock`);
    expect(textOf(page, 'users')).toContain('bo@exempel.se optional not enrolled — locked (8 wrong passwords) none');
  });

  it('sets the clock to a date typed in UTC', async () => {
    const agent = new UserAgent({ headers: HTML });
    await agent.submit(await agent.get(`${emulator.url}/_mock`), { to: '2030-01-31T08:00' }, { id: 'clock-to-form' });
    expect(((await (await fetch(`${emulator.url}/_mock/clock`)).json()) as { iso: string }).iso).toMatch(/^2030-01-31T08:00:0/);
    const refused = await agent.submit(await agent.get(`${emulator.url}/_mock`), { to: 'next tuesday' }, { id: 'clock-to-form' });
    expect(refused.status).toBe(400);
    expect(textOf(refused, 'clock-error')).toBe('now must be epoch seconds or an ISO 8601 date such as 2026-01-31T08:00:00Z');
  });

  it('refuses a room form without the token of the browser that opened the room', async () => {
    await emulator.reset();
    const opener = new UserAgent({ headers: HTML });
    const token = readForm(await opener.get(`${emulator.url}/_mock`), { id: 'reset-form' }).fields['__RequestVerificationToken']!;
    const stranger = new UserAgent({ headers: HTML });
    await stranger.get(`${emulator.url}/_mock`);
    for (const fields of [{}, { __RequestVerificationToken: token }] as Record<string, string>[]) {
      const refused = await stranger.post(`${emulator.url}/_mock/room/clock`, { ...fields, advanceSeconds: '30' });
      expect(refused.status).toBe(403);
      expect(refused.html).toContain('The form was not accepted');
    }
    expect(await clockOffset(emulator)).toBe(0);
  });

  it.each(Object.entries(FROM_ANOTHER_SITE))('refuses a room form posted from %s, even with the right token', async (_name, headers) => {
    await emulator.reset();
    const agent = new UserAgent({ headers: HTML });
    const room = await agent.get(`${emulator.url}/_mock`);
    const form = readForm(room, { id: 'clock-form' });
    const refused = await agent.post(form.action, { ...form.fields, advanceSeconds: '30' }, headers);
    expect(refused.status).toBe(403);
    expect(await clockOffset(emulator)).toBe(0);
  });

  it('shows every schema problem of the fixtures by path, and keeps what was typed', async () => {
    const agent = new UserAgent({ headers: HTML });
    const room = await agent.get(`${emulator.url}/_mock`);
    const yaml = 'users:\n  - email: not-an-address\n    tenants: nope\n';
    const checked = await agent.submit(room, { yaml, action: 'check' }, { id: 'fixtures-form' });
    expect(checked.status).toBe(400);
    expect(textOf(checked, 'fixture-problems')).toMatch(/users\[0\]\.email: .+ users\[0\]\.tenants: /);
    expect(readForm(checked, { id: 'fixtures-form' }).fields['yaml']).toBe(yaml);
  });

  it('lists a YAML alias bomb as a problem of the text, not a 500', async () => {
    const agent = new UserAgent({ headers: HTML });
    const room = await agent.get(`${emulator.url}/_mock`);
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${'bcdefghi'[i]}: &${'bcdefghi'[i]} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)];
    const checked = await agent.submit(room, { yaml: levels.join('\n'), action: 'check' }, { id: 'fixtures-form' });
    expect(checked.status).toBe(400);
    expect(textOf(checked, 'fixture-problems')).toMatch(/alias/i);
  });
});

describe('the control room with CONTROL_TOKEN', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures, settings: { controlToken: 'room-secret' } });
  });
  afterAll(() => emulator.close());

  it('needs the token, and carries it in its links and forms', async () => {
    const agent = new UserAgent({ headers: HTML });
    expect((await agent.get(`${emulator.url}/_mock`)).status).toBe(401);
    const room = await agent.get(`${emulator.url}/_mock?token=room-secret`);
    expect(room.status).toBe(200);
    expect(readForm(room, { id: 'clock-form' }).action).toBe(`${emulator.url}/_mock/room/clock?token=room-secret`);
    expect(readForm(room, { id: 'risk-switches' }).fields['token']).toBe('room-secret');
    const moved = await agent.submit(room, { advanceSeconds: '30' }, { id: 'clock-form' });
    expect(moved.location).toBe(`${emulator.url}/_mock?done=clock&token=room-secret#clock`);
  });
});
