import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { FROM_ANOTHER_SITE } from '../support/hostile.js';
import { rawRequest } from '../support/raw-request.js';
import { buildLogin, callbackRequest, completeLogin, discover, signInThroughPages } from '../support/relying-party.js';
import { UserAgent } from '../support/user-agent.js';

const CALLBACK = 'http://localhost:3000/signin-oidc';
const fixtures = {
  clients: [{ clientId: 'hrm', clientSecret: 'x', redirectUris: [CALLBACK], includeCoreIdentityClaims: true }],
  users: [{ email: 'ali@example.se', password: 'Sol&Vind2025' }],
};

async function call(emulator: RunningEmulator, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the control plane', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
  });
  afterAll(() => emulator.close());

  it('answers /healthz with 200 when ready', async () => {
    expect(await call(emulator, 'GET', '/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('shows the clock as epoch seconds and ISO, and moves it by advanceSeconds', async () => {
    await emulator.reset();
    const before = await call(emulator, 'GET', '/_mock/clock');
    expect(before.body).toMatchObject({ now: expect.any(Number), iso: expect.any(String), offsetSeconds: 0 });
    const moved = await call(emulator, 'POST', '/_mock/clock', { advanceSeconds: 3600 });
    expect(moved.status).toBe(200);
    expect((moved.body['now'] as number) - (before.body['now'] as number)).toBeGreaterThanOrEqual(3600);
    expect(moved.body['offsetSeconds']).toBe(3600);
  });

  it('sets the clock to a given instant, as ISO or epoch seconds', async () => {
    const iso = await call(emulator, 'POST', '/_mock/clock', { now: '2030-01-31T08:00:00Z' });
    expect(iso.body['iso']).toMatch(/^2030-01-31T08:00:0/);
    expect((await call(emulator, 'POST', '/_mock/clock', { now: '2028-02-29T12:00:00Z' })).status).toBe(200);
    const epoch = await call(emulator, 'POST', '/_mock/clock', { now: 1900000000 });
    expect(epoch.body['now']).toBeGreaterThanOrEqual(1900000000);
    expect(epoch.body['now']).toBeLessThan(1900000005);
  });

  it.each([
    ['an empty object', {}, 'send exactly one of {advanceSeconds} or {now}'],
    ['both fields', { advanceSeconds: 1, now: 2 }, 'send exactly one of {advanceSeconds} or {now}'],
    ['a string of seconds', { advanceSeconds: '60' }, 'advanceSeconds must be a number of seconds'],
    ['an unreadable date', { now: 'next tuesday' }, 'now must be epoch seconds or an ISO 8601 date such as 2026-01-31T08:00:00Z'],
    ['a date no calendar has, rather than 2 March', { now: '2030-02-30T00:00:00Z' }, 'now must be epoch seconds or an ISO 8601 date such as 2026-01-31T08:00:00Z'],
    ['a 31st of April', { now: '2030-04-31' }, 'now must be epoch seconds or an ISO 8601 date such as 2026-01-31T08:00:00Z'],
    ['a date that is not ISO 8601', { now: 'Feb 30 2030' }, 'now must be epoch seconds or an ISO 8601 date such as 2026-01-31T08:00:00Z'],
    ['a date with slashes', { now: '2030/02/30' }, 'now must be epoch seconds or an ISO 8601 date such as 2026-01-31T08:00:00Z'],
    ['a date with a one-digit month', { now: '2030-2-28' }, 'now must be epoch seconds or an ISO 8601 date such as 2026-01-31T08:00:00Z'],
    ['a day no calendar has, with a six-digit year', { now: '+002030-02-30T00:00:00Z' }, 'now must be epoch seconds or an ISO 8601 date such as 2026-01-31T08:00:00Z'],
    ['an unknown field', { advance: 5 }, 'unknown field "advance"; send {advanceSeconds} or {now}'],
    ['an array', [1], 'the body must be a JSON object'],
  ])('refuses %s with 400 and a reason', async (_name, body, description) => {
    expect(await call(emulator, 'POST', '/_mock/clock', body)).toEqual({ status: 400, body: { error: 'invalid_request', error_description: description } });
  });

  it.each([
    ['advanceSeconds far beyond year 9999', { advanceSeconds: 1e300 }, 'advanceSeconds'],
    ['advanceSeconds back before 1970', { advanceSeconds: -1e11 }, 'advanceSeconds'],
    ['now beyond the range of dates', { now: 1e300 }, 'now'],
    ['now before 1970', { now: -1 }, 'now'],
    ['an ISO date after year 9999', { now: '+275760-09-13T00:00:00.000Z' }, 'now'],
  ])('refuses %s with 400, leaving the clock where it was', async (_name, body, field) => {
    await emulator.reset();
    await call(emulator, 'POST', '/_mock/clock', { advanceSeconds: 60 });
    expect(await call(emulator, 'POST', '/_mock/clock', body)).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: `${field} would move the clock out of range: the clock shows instants from 1970-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z only` },
    });
    expect(await call(emulator, 'GET', '/_mock/clock')).toMatchObject({ status: 200, body: { offsetSeconds: 60 } });
  });

  it('refuses a body that is not JSON with 400', async () => {
    const result = await call(emulator, 'POST', '/_mock/clock', '{"advanceSeconds": ');
    expect(result.status).toBe(400);
    expect(result.body['error_description']).toMatch(/^the body is not valid JSON/);
  });

  it('resets the clock, the sessions and the accounts to the loaded fixtures', async () => {
    await call(emulator, 'POST', '/_mock/clock', { advanceSeconds: 500 });
    const hrm = await discover(emulator.issuer, 'hrm', 'x');
    const agent = new UserAgent();
    const login = await buildLogin(hrm, { redirectUri: CALLBACK });
    const tokens = await completeLogin(hrm, login, callbackRequest(await signInThroughPages(agent, login.url, 'ali@example.se', 'Sol&Vind2025', CALLBACK), CALLBACK));

    const reset = await call(emulator, 'POST', '/_mock/reset');
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ status: 'reset', clock: { offsetSeconds: 0 } });

    await expect(oidc.fetchUserInfo(hrm, tokens.access_token, tokens.claims()!.sub)).rejects.toThrow();
    const again = await buildLogin(hrm, { redirectUri: CALLBACK });
    const page = await agent.follow(await agent.get(again.url.href), CALLBACK);
    expect(page.html).toContain('name="Username"');
  });
});

describe('the control plane with CONTROL_TOKEN', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures, settings: { controlToken: 'let-me-in' } });
  });
  afterAll(() => emulator.close());

  it('refuses calls without the bearer token', async () => {
    const result = await call(emulator, 'GET', '/_mock/clock');
    expect(result).toEqual({ status: 401, body: { error: 'unauthorized', error_description: 'the control plane needs Authorization: Bearer <CONTROL_TOKEN>' } });
    expect((await call(emulator, 'POST', '/_mock/reset', undefined, { authorization: 'Bearer wrong' })).status).toBe(401);
  });

  it('accepts calls with the bearer token', async () => {
    expect((await call(emulator, 'POST', '/_mock/reset', undefined, { authorization: 'Bearer let-me-in' })).status).toBe(200);
  });

  it('answers any host name when the token is given, as from another container', async () => {
    const answer = await rawRequest(emulator.url, 'GET', '/_mock/clock', { headers: { host: 'mock-visma-connect:5080', authorization: 'Bearer let-me-in' } });
    expect(answer.status).toBe(200);
  });
});

describe('the control plane against a hostile page', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures, settings: { issuer: 'http://emulator.test:5080' } });
  });
  afterAll(() => emulator.close());

  const offset = async () => JSON.parse((await rawRequest(emulator.url, 'GET', '/_mock/clock')).text).offsetSeconds as number;
  const moveClock = () => rawRequest(emulator.url, 'POST', '/_mock/clock', { headers: { 'content-type': 'application/json' }, body: '{"advanceSeconds":600}' });

  it.each([
    ['a form post', 'application/x-www-form-urlencoded', ''],
    ['a multipart form post', 'multipart/form-data; boundary=x', '--x--\r\n'],
    ['a text/plain post', 'text/plain', ''],
  ])('refuses a reset sent as %s, which any page can make, and resets nothing', async (_name, type, body) => {
    await moveClock();
    const answer = await rawRequest(emulator.url, 'POST', '/_mock/reset', { headers: { 'content-type': type }, body });
    expect(answer.status).toBe(415);
    expect(JSON.parse(answer.text)).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/^send control-plane requests as application\/json/) });
    expect(await offset()).toBeGreaterThanOrEqual(600);
  });

  it.each(Object.entries(FROM_ANOTHER_SITE))('refuses a reset sent from %s', async (_name, headers) => {
    await moveClock();
    const answer = await rawRequest(emulator.url, 'POST', '/_mock/reset', { headers });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.text)).toMatchObject({ error: 'cross_site_request' });
    expect(await offset()).toBeGreaterThanOrEqual(600);
  });

  it('takes a reset from curl, a script or the testing library: no Origin, no body or JSON', async () => {
    await moveClock();
    expect((await rawRequest(emulator.url, 'POST', '/_mock/reset')).status).toBe(200);
    expect(await offset()).toBe(0);
    expect((await rawRequest(emulator.url, 'POST', '/_mock/reset', { headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(200);
  });

  it.each(['evil.example', '127.evil.example', 'localhost.evil.example', '10.0.0.1', '127.0.0.1.nip.io'])('answers no request addressed to %s, as a DNS-rebinding page would send it', async (hostname) => {
    const host = `${hostname}:${emulator.port}`;
    for (const [method, path] of [
      ['GET', '/_mock/totp?email=ali@example.se'],
      ['GET', '/_mock/mail'],
      ['POST', '/_mock/reset'],
    ] as const) {
      const answer = await rawRequest(emulator.url, method, path, { headers: { host } });
      expect(answer.status, `${method} ${path}`).toBe(403);
      expect(JSON.parse(answer.text)).toMatchObject({ error: 'host_not_allowed' });
    }
  });

  it.each(['localhost', '127.0.0.1', '127.0.0.2', '[::1]', 'emulator.test', 'LOCALHOST'])('answers requests addressed to %s', async (hostname) => {
    const answer = await rawRequest(emulator.url, 'GET', '/_mock/clock', { headers: { host: `${hostname}:${emulator.port}` } });
    expect(answer.status).toBe(200);
  });
});

describe('the control plane of a new emulator', () => {
  it('answers its first requests, sent at once, as it answers later ones: the clock, the control room and a reset', async () => {
    const fresh = await startTestEmulator({ fixtures });
    try {
      const [clock, room, reset] = await Promise.all([call(fresh, 'GET', '/_mock/clock'), fetch(`${fresh.url}/_mock`, { headers: { accept: 'text/html' } }), call(fresh, 'POST', '/_mock/reset')]);
      expect(clock).toMatchObject({ status: 200, body: { offsetSeconds: 0 } });
      expect(room.status).toBe(200);
      expect(await room.text()).toContain('Who gets 2FA where');
      expect(reset).toMatchObject({ status: 200, body: { status: 'reset' } });
    } finally {
      await fresh.close();
    }
  });
});
