import { afterEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { readForm, UserAgent } from '../support/user-agent.js';

const CALLBACK = 'http://localhost:3003/signin-oidc';
const TENANT = 'office';
const fixtures = {
  tenants: [{ id: TENANT, name: 'Kontoret AB', trustedNetworks: ['10.20.0.0/16'] }],
  clients: [{ clientId: 'adaptive-app', clientSecret: 'x', redirectUris: [CALLBACK], twoFactor: 'adaptive' }],
  users: [{ email: 'olle@fri.se', password: 'Olle&Pass2025', tenants: [TENANT], totpSecret: 'KRUGS4ZANFZSA3LPMNVSAYLDMNXXK3TU' }],
};

async function passwordAnswer(emulator: RunningEmulator, agent: UserAgent) {
  const query = new URLSearchParams({ client_id: 'adaptive-app', response_type: 'code', scope: 'openid', redirect_uri: CALLBACK, code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' });
  let page = await agent.follow(await agent.get(`${emulator.issuer}/connect/authorize?${query}`), CALLBACK);
  page = await agent.follow(await agent.post(readForm(page).action, { Username: 'olle@fri.se' }), CALLBACK);
  return agent.post(readForm(page).action, { Password: 'Olle&Pass2025' });
}

describe('the client address behind a proxy', () => {
  let emulator: RunningEmulator;
  afterEach(() => emulator.close());

  it('ignores X-Forwarded-For unless TRUST_PROXY is set', async () => {
    emulator = await startTestEmulator({ fixtures });
    const answer = await passwordAnswer(emulator, new UserAgent({ headers: { 'x-forwarded-for': '10.20.1.1' } }));
    expect(answer.location).toMatch(/\/two-factor$/);
  });

  it('takes the client address from X-Forwarded-For with TRUST_PROXY, so the office network is trusted', async () => {
    emulator = await startTestEmulator({ fixtures, settings: { trustProxy: true } });
    const answer = await passwordAnswer(emulator, new UserAgent({ headers: { 'x-forwarded-for': '10.20.1.1' } }));
    expect(answer.location).toMatch(/\/connect\/authorize\//);
  });
});
