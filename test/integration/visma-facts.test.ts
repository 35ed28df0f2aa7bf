import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VISMA_FACTS } from '../../provider/config/index.js';
import type { RunningEmulator } from '../../provider/index.js';
import { apiClient, apiToken, mailClient } from '../support/api-client.js';
import { startTestEmulator } from '../support/emulator.js';
import { readForm, UserAgent, validationMessages, type Page } from '../support/user-agent.js';

/** The emulator behaves as the facts table says: these tests take their numbers from it, not from literals. */
const CALLBACK = 'http://localhost:3000/signin-oidc';
const PASSWORD = 'Start&Pass2025';
const fixtures = {
  clients: [
    { clientId: 'hrm', clientSecret: 'x', redirectUris: [CALLBACK] },
    { clientId: 'hrm-api', clientSecret: 'api-secret', grantTypes: ['client_credentials'], scopes: ['connect:users'] },
  ],
  users: [{ email: 'lena@example.se', password: PASSWORD, locale: 'en-GB' }],
};
const WRONG_PASSWORD = ['The email address or password is incorrect.'];
const LOCKED = ['Too many failed sign-in attempts. The account is locked for 30 minutes.'];

describe("Visma's facts, as the table in provider/config/visma-facts.ts gives them", () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  const advanceClock = (advanceSeconds: number) => fetch(`${emulator.url}/_mock/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceSeconds }) });

  async function passwordAttempt(agent: UserAgent, password: string): Promise<Page> {
    const query = new URLSearchParams({ client_id: 'hrm', response_type: 'code', scope: 'openid', redirect_uri: CALLBACK, code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' });
    let page = await agent.follow(await agent.get(`${emulator.issuer}/connect/authorize?${query}`), CALLBACK);
    page = await agent.follow(await agent.post(readForm(page).action, { Username: 'lena@example.se' }), CALLBACK);
    return agent.post(readForm(page).action, { Password: password });
  }

  it("locks sign-in at the table's number of wrong passwords, not one before, for the table's lock time", async () => {
    const { maxFailures, lockSeconds } = VISMA_FACTS.password.lockout;
    const agent = new UserAgent();
    for (let i = 1; i < maxFailures; i += 1) expect(validationMessages(await passwordAttempt(agent, 'Wrong&Pass1'))).toEqual(WRONG_PASSWORD);
    expect(validationMessages(await passwordAttempt(agent, 'Wrong&Pass1'))).toEqual(LOCKED);
    await advanceClock(lockSeconds - 60);
    expect(validationMessages(await passwordAttempt(agent, PASSWORD))).toEqual(LOCKED);
    await advanceClock(61);
    expect((await passwordAttempt(agent, PASSWORD)).location).toMatch(/\/connect\/authorize\//);
  });

  it("lets a verification code lapse after the table's code lifetime (410), not before", async () => {
    const api = apiClient(emulator, await apiToken(emulator, 'hrm-api', 'api-secret'));
    const started = await api('POST', '/email-verifications', { email: 'ny@example.se', delivery: 'code' });
    const { codeSeconds } = VISMA_FACTS.emailVerification;
    const code = /\b(\d{6})\b/.exec((await mailClient(emulator).latestTo('ny@example.se'))!.text)![1]!;
    const wrong = code === '000000' ? '111111' : '000000';
    await advanceClock(codeSeconds - 5);
    expect(await api('POST', `/email-verifications/${started.body.id}/verify`, { code: wrong })).toMatchObject({ status: 400, body: { error: 'invalid_code' } });
    await advanceClock(6);
    expect(await api('POST', `/email-verifications/${started.body.id}/verify`, { code })).toMatchObject({ status: 410, body: { error: 'expired' } });
  });

  it("refuses the right code after the table's number of wrong ones (429)", async () => {
    const api = apiClient(emulator, await apiToken(emulator, 'hrm-api', 'api-secret'));
    const started = await api('POST', '/email-verifications', { email: 'ny@example.se', delivery: 'code' });
    const code = /\b(\d{6})\b/.exec((await mailClient(emulator).latestTo('ny@example.se'))!.text)![1]!;
    const wrong = code === '000000' ? '111111' : '000000';
    const { maxWrongCodes } = VISMA_FACTS.emailVerification;
    for (let i = 0; i < maxWrongCodes; i += 1) expect((await api('POST', `/email-verifications/${started.body.id}/verify`, { code: wrong })).status).toBe(400);
    expect(await api('POST', `/email-verifications/${started.body.id}/verify`, { code })).toMatchObject({ status: 429, body: { error: 'too_many_attempts' } });
  });

  it('cannot be changed at run time by accident: the table is frozen', () => {
    expect(() => {
      (VISMA_FACTS.password.lockout as { maxFailures: number }).maxFailures = 100;
    }).toThrow(TypeError);
  });
});
