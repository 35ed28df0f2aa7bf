import * as oidc from 'openid-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { buildLogin, callbackRequest, completeLogin, discover, signInThroughPages } from '../support/relying-party.js';
import { UserAgent } from '../support/user-agent.js';

const DAY = 24 * 60 * 60;
const app = (clientId: string, port: number, settings: object) => ({
  clientId,
  clientSecret: `${clientId}-secret`,
  redirectUris: [`http://localhost:${port}/cb`],
  ...settings,
});

const fixtures = {
  clients: [
    app('slow-network', 4001, { refreshTokens: 'one-time', refreshTokenGraceSeconds: 30 }),
    app('two-days', 4002, { refreshTokens: 'reuse', refreshTokenLifetimeDays: 2 }),
    app('sliding-reuse', 4003, { refreshTokens: 'reuse', refreshTokenLifetimeDays: 30, refreshTokenSlidingDays: 7 }),
    app('sliding-one-time', 4004, { refreshTokens: 'one-time', refreshTokenLifetimeDays: 10, refreshTokenSlidingDays: 3 }),
  ],
  users: [{ email: 'nils.ost@example.se', password: 'Vinter2025!q' }],
};

describe("refresh tokens follow each app's settings, as Visma Connect's app settings allow", () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  const advance = (seconds: number) => fetch(`${emulator.url}/_mock/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceSeconds: seconds }) });

  async function signIn(clientId: string, port: number) {
    const config = await discover(emulator.issuer, clientId, `${clientId}-secret`);
    const redirectUri = `http://localhost:${port}/cb`;
    const login = await buildLogin(config, { redirectUri });
    const answer = await signInThroughPages(new UserAgent(), login.url, 'nils.ost@example.se', 'Vinter2025!q', redirectUri);
    const tokens = await completeLogin(config, login, callbackRequest(answer, redirectUri));
    return { config, refreshToken: tokens.refresh_token! };
  }

  it("lets a spent one-time refresh token work for the app's grace period, and no longer", async () => {
    const { config, refreshToken } = await signIn('slow-network', 4001);
    await oidc.refreshTokenGrant(config, refreshToken);
    await advance(20);
    await expect(oidc.refreshTokenGrant(config, refreshToken)).resolves.toMatchObject({ refresh_token: expect.any(String) });
    await advance(11);
    await expect(oidc.refreshTokenGrant(config, refreshToken)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it("ends a reusable refresh token after the app's lifetime in days, however often it is used", async () => {
    const { config, refreshToken } = await signIn('two-days', 4002);
    await advance(DAY);
    await expect(oidc.refreshTokenGrant(config, refreshToken)).resolves.toMatchObject({ access_token: expect.any(String) });
    await advance(DAY);
    await expect(oidc.refreshTokenGrant(config, refreshToken)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('keeps a reusable refresh token with sliding expiry alive while it is used within the window, and ends it when it is not', async () => {
    const { config, refreshToken } = await signIn('sliding-reuse', 4003);
    await advance(6 * DAY);
    await oidc.refreshTokenGrant(config, refreshToken);
    await advance(6 * DAY);
    await expect(oidc.refreshTokenGrant(config, refreshToken)).resolves.toMatchObject({ access_token: expect.any(String) });
    await advance(7 * DAY + 1);
    await expect(oidc.refreshTokenGrant(config, refreshToken)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('gives each rotated one-time token a new sliding window, but ends the chain at the lifetime counted from sign-in', async () => {
    const { config, refreshToken: first } = await signIn('sliding-one-time', 4004);
    await advance(4 * DAY);
    await expect(oidc.refreshTokenGrant(config, first)).rejects.toMatchObject({ error: 'invalid_grant' });

    let { refreshToken } = await signIn('sliding-one-time', 4004);
    for (let day = 2; day <= 8; day += 2) {
      await advance(2 * DAY);
      refreshToken = (await oidc.refreshTokenGrant(config, refreshToken)).refresh_token!;
    }
    await advance(2 * DAY);
    await expect(oidc.refreshTokenGrant(config, refreshToken)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
