import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountRepository } from '../../provider/accounts/index.js';
import type { RunningEmulator } from '../../provider/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { rawRequest } from '../support/raw-request.js';

const SUB = '0c3a8f4e-2b7d-4c1a-9e55-3f6d2a1b7c90';
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const fixtures = {
  users: [{ email: 'ali@example.se', sub: SUB, password: 'Sol&Vind2025', totpSecret: SECRET }],
};
const takeover = JSON.stringify({ users: [{ email: 'ali@example.se', sub: SUB, password: 'Stulet&Konto2025', totpSecret: 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU' }] });
const json = { 'content-type': 'application/json' };

/** Other spellings of guarded paths: case, percent-encoding, doubled slashes, dots, trailing slashes, dot segments. */
const CONTROL_SPELLINGS: [string, string, string?][] = [
  ['GET', '/_MOCK/totp?email=ali@example.se'],
  ['GET', '/_Mock/clock'],
  ['GET', '/_mock/TOTP?email=ali@example.se'],
  ['GET', '/%5Fmock/totp?email=ali@example.se'],
  ['GET', '/%5fmock/totp?email=ali@example.se'],
  ['GET', '/_mock/%74otp?email=ali@example.se'],
  ['GET', '//_mock/totp?email=ali@example.se'],
  ['GET', '/_mock//totp?email=ali@example.se'],
  ['GET', '/_mock/totp/?email=ali@example.se'],
  ['GET', '/_mock./totp?email=ali@example.se'],
  ['GET', '/_mock/totp.?email=ali@example.se'],
  ['GET', '/_mock/x/../totp?email=ali@example.se'],
  ['GET', '/_mock/./totp?email=ali@example.se'],
  ['GET', '/_mock%2Ftotp?email=ali@example.se'],
  ['POST', '/_MOCK/fixtures', takeover],
  ['POST', '/_Mock/fixtures/', takeover],
  ['POST', '/_mock/FIXTURES', takeover],
  ['POST', '/_Mock/reset'],
  ['POST', '/_MOCK/clock', '{"advanceSeconds":3600}'],
  ['GET', '/_MOCK/mail'],
  ['GET', '/_mock/MAIL/'],
  ['GET', '/_Mock/mail/latest?to=ali@example.se'],
  ['GET', '/_mock/mail/LATEST?to=ali@example.se'],
  ['GET', '/_mock/mail//latest?to=ali@example.se'],
];

const API_SPELLINGS: [string, string][] = [
  ['GET', '/API/v1/users?email=ali@example.se'],
  ['GET', '/api/V1/users?email=ali@example.se'],
  ['GET', '/Api/v1/Users?email=ali@example.se'],
  ['GET', '/%61pi/v1/users?email=ali@example.se'],
  ['GET', '//api/v1/users?email=ali@example.se'],
  ['GET', '/api/v1//users?email=ali@example.se'],
  ['GET', '/api/v1/users/?email=ali@example.se'],
  ['GET', `/API/v1/users/${SUB}`],
  ['POST', `/API/v1/users/${SUB}/password-reset`],
  ['POST', `/api/v1/users/${SUB}/ONE-TIME-LINK`],
  ['GET', '/API/v1/tenants/t/domains'],
  ['DELETE', `/API/v1/users/${SUB}/applications/hrm`],
];

/** What a refused request may answer: the guard's 401/403, or 404 for a path that does not exist. Never data, never a 500. */
function expectRefused(answer: { status: number; text: string }, guardStatus: number): void {
  expect([guardStatus, 404]).toContain(answer.status);
  expect(answer.text).not.toContain('ali@example.se');
  expect(answer.text).not.toContain(SUB);
  expect(answer.text).not.toMatch(/"code"|"status":"(reset|merged|sent)"|"offsetSeconds"/);
}

describe('the guards, whatever the spelling of the path', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures, settings: { controlToken: 'let-me-in' } });
  });
  afterAll(() => emulator.close());

  it.each(CONTROL_SPELLINGS)('refuses %s %s without the control token', async (method, path, body) => {
    expectRefused(await rawRequest(emulator.url, method, path, { headers: json, ...(body !== undefined && { body }) }), 401);
  });

  it('leaves the user, the clock and the mailbox as they were after every other spelling was tried', async () => {
    for (const [method, path, body] of CONTROL_SPELLINGS) await rawRequest(emulator.url, method, path, { headers: json, ...(body !== undefined && { body }) });
    const account = await new AccountRepository(emulator.store).findByEmail('ali@example.se');
    expect(account?.totpSecret).toBe(SECRET);
    const clock = await rawRequest(emulator.url, 'GET', '/_mock/clock', { headers: { authorization: 'Bearer let-me-in' } });
    expect(JSON.parse(clock.text)).toMatchObject({ offsetSeconds: 0 });
  });

  it.each(API_SPELLINGS)('refuses %s %s without a bearer token', async (method, path) => {
    expectRefused(await rawRequest(emulator.url, method, path), 401);
  });

  it('still answers the spelling it documents, with the token', async () => {
    const answer = await rawRequest(emulator.url, 'GET', '/_mock/totp?email=ali@example.se', { headers: { authorization: 'Bearer let-me-in' } });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ code: expect.stringMatching(/^\d{6}$/) });
  });
});

describe('the control plane beyond loopback without CONTROL_TOKEN, whatever the spelling', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures, settings: { host: '0.0.0.0' } });
  });
  afterAll(() => emulator.close());

  it.each(CONTROL_SPELLINGS)('refuses %s %s', async (method, path, body) => {
    expectRefused(await rawRequest(`http://127.0.0.1:${emulator.port}`, method, path, { headers: json, ...(body !== undefined && { body }) }), 403);
  });
});
