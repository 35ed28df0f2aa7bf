import { afterEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { apiClient, apiToken, mailClient } from '../support/api-client.js';
import { startTestEmulator } from '../support/emulator.js';
import { REDIS_URL, requireRedis, uniquePrefix } from '../support/redis.js';
import { freePort, OwnRedis } from '../support/redis-server.js';
import { readForm, UserAgent } from '../support/user-agent.js';

const CALLBACK = 'http://localhost:3000/signin-oidc';
const TENANT = 'replica-tenant';
const fixtures = {
  tenants: [{ id: TENANT, name: 'Replika AB', verifiedDomains: ['replika.se'] }],
  clients: [
    { clientId: 'hrm', clientSecret: 'hrm-secret', redirectUris: [CALLBACK] },
    { clientId: 'hrm-api', clientSecret: 'api-secret', grantTypes: ['client_credentials'], scopes: ['connect:users'] },
  ],
  users: [{ email: 'rut@replika.se', password: 'Repl&Pass2025' }],
};
const ISSUER = 'http://mvc.replicas.test';
const authorizeQuery = new URLSearchParams({ client_id: 'hrm', response_type: 'code', scope: 'openid', redirect_uri: CALLBACK, code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' });
const onOther = (url: string, other: RunningEmulator) => url.replace(/^http:\/\/[^/]+/, other.url);

const started: RunningEmulator[] = [];
async function replica(prefix: string, redisUrl = REDIS_URL): Promise<RunningEmulator> {
  const emulator = await startTestEmulator({ fixtures, settings: { store: 'redis', redisUrl, redisPrefix: prefix, issuer: ISSUER } });
  started.push(emulator);
  return emulator;
}
afterEach(async () => {
  for (const emulator of started.splice(0).reverse()) await emulator.close().catch(() => {});
});

describe('two replicas on one Redis', () => {
  it('finish on one a login started on the other, and redeem its code on either', async () => {
    await requireRedis();
    const prefix = uniquePrefix();
    const [a, b] = [await replica(prefix), await replica(prefix)];
    const agent = new UserAgent();
    const identifier = await agent.follow(await agent.get(`${a.url}/connect/authorize?${authorizeQuery}`), CALLBACK);
    expect(identifier.url.startsWith(a.url)).toBe(true);
    let page = await agent.follow(await agent.post(onOther(readForm(identifier).action, b), { Username: 'rut@replika.se' }), CALLBACK);
    expect(page.url.startsWith(b.url)).toBe(true);
    page = await agent.post(readForm(page).action, { Password: 'Repl&Pass2025' });
    const answer = await agent.follow(await agent.get(onOther(page.location!, b)), CALLBACK);
    const code = new URL(answer.location!).searchParams.get('code')!;
    const tokens = await fetch(`${a.url}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, client_id: 'hrm', client_secret: 'hrm-secret', code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk' }),
    });
    expect(tokens.status).toBe(200);
    await b.store.clear();
  });

  it('verify on one a code mailed by the other, and share reset and clock moves', async () => {
    await requireRedis();
    const prefix = uniquePrefix();
    const [a, b] = [await replica(prefix), await replica(prefix)];
    const apiA = apiClient(a, await apiToken(a, 'hrm-api', 'api-secret'));
    const apiB = apiClient(b, await apiToken(b, 'hrm-api', 'api-secret'));
    const pending = await apiA('POST', '/email-verifications', { email: 'ny@privat.se', delivery: 'code' });
    const mail = (await mailClient(b).latestTo('ny@privat.se'))!;
    const code = /\b(\d{6})\b/.exec(mail.text)![1]!;
    expect((await apiB('POST', `/email-verifications/${pending.body.id}/verify`, { code })).body).toMatchObject({ status: 'verified', created: true });

    await fetch(`${a.url}/_mock/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"advanceSeconds":600}' });
    expect(((await (await fetch(`${b.url}/_mock/clock`)).json()) as { offsetSeconds: number }).offsetSeconds).toBe(600);

    await fetch(`${b.url}/_mock/reset`, { method: 'POST' });
    expect(((await (await fetch(`${a.url}/_mock/clock`)).json()) as { offsetSeconds: number }).offsetSeconds).toBe(0);
    expect((await apiClient(a, await apiToken(a, 'hrm-api', 'api-secret'))('GET', '/users?email=ny@privat.se')).status).toBe(404);
    await b.store.clear();
  });

  it('use on one a client and the risk override changed on the other, though each replica keeps what it read', async () => {
    await requireRedis();
    const prefix = uniquePrefix();
    const [a, b] = [await replica(prefix), await replica(prefix)];
    expect(await (await fetch(`${b.url}/_mock/risk`)).json()).toEqual({});
    const tokenWith = (secret: string) =>
      fetch(`${b.url}/connect/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${btoa(`hrm-api:${secret}`)}` }, body: 'grant_type=client_credentials&scope=connect:users' });
    const post = (url: string, path: string, body: unknown, method = 'POST') => fetch(`${url}/_mock${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    const client = fixtures.clients[1]!;
    expect((await tokenWith('api-secret')).status).toBe(200);
    expect((await post(a.url, '/fixtures', { clients: [{ ...client, clientSecret: 'new-secret' }] })).status).toBe(200);
    expect((await tokenWith('api-secret')).status).toBe(400);
    expect((await tokenWith('new-secret')).status).toBe(200);

    expect((await post(a.url, '/risk', { trustedNetwork: true }, 'PUT')).status).toBe(200);
    expect(await (await fetch(`${b.url}/_mock/risk`)).json()).toEqual({ trustedNetwork: true });
    await b.store.clear();
  });
});

describe('a restart on Redis', () => {
  it('keeps accounts and sessions the tests created instead of loading the fixtures again', async () => {
    await requireRedis();
    const prefix = uniquePrefix();
    const first = await replica(prefix);
    const api = apiClient(first, await apiToken(first, 'hrm-api', 'api-secret'));
    const linked = await api('POST', '/email-verifications', { email: 'kvar@replika.se', delivery: 'code', tenantId: TENANT });
    expect(linked.status).toBe(201);
    const agent = new UserAgent();
    let page = await agent.follow(await agent.get(`${first.url}/connect/authorize?${authorizeQuery}`), CALLBACK);
    page = await agent.follow(await agent.post(readForm(page).action, { Username: 'rut@replika.se' }), CALLBACK);
    await agent.follow(await agent.post(readForm(page).action, { Password: 'Repl&Pass2025' }), CALLBACK);
    await first.close();
    started.splice(started.indexOf(first), 1);

    const second = await replica(prefix);
    const after = apiClient(second, await apiToken(second, 'hrm-api', 'api-secret'));
    expect((await after('GET', '/users?email=kvar@replika.se')).body.userId).toBe(linked.body.userId);
    const silent = await agent.follow(await agent.get(`${second.url}/connect/authorize?${authorizeQuery}&prompt=none`), CALLBACK);
    expect(new URL(silent.location!).searchParams.get('code')).toEqual(expect.any(String));
    await second.store.clear();
  });
});

describe('Redis going away and coming back', () => {
  let redis: OwnRedis | undefined;
  afterEach(() => redis?.stop());

  it('answers 503 naming Redis while it is down, and recovers by itself (fixtures seeded again)', { timeout: 30_000 }, async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    const emulator = await replica(uniquePrefix(), redis.url);
    expect((await fetch(`${emulator.url}/healthz`)).status).toBe(200);

    await redis.stop();
    await expect.poll(async () => (await fetch(`${emulator.url}/healthz`)).status, { timeout: 5000 }).toBe(503);
    const health = await (await fetch(`${emulator.url}/healthz`)).json();
    expect(health).toMatchObject({ status: 'unavailable', error_description: expect.stringContaining(`Redis at ${redis.url}`) });
    const api = await fetch(`${emulator.url}/api/v1/users?email=rut@replika.se`);
    expect(api.status).toBe(503);
    expect(await api.json()).toMatchObject({ error: 'temporarily_unavailable' });
    const page = await fetch(`${emulator.url}/connect/authorize?${authorizeQuery}`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(503);
    expect(await page.text()).toContain('does not answer; try again shortly.');

    await redis.start();
    await expect.poll(async () => (await fetch(`${emulator.url}/healthz`)).status, { timeout: 10_000 }).toBe(200);
    await expect
      .poll(async () => (await fetch(`${emulator.url}/_mock/explain`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'rut@replika.se', clientId: 'hrm' }) })).status, { timeout: 5000 })
      .toBe(200);
  });

  it('answers 503 instead of waiting while Redis hangs (SIGSTOP), reports it unhealthy, and recovers when it answers again', { timeout: 30_000 }, async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    const emulator = await replica(uniquePrefix(), redis.url);
    const api = apiClient(emulator, await apiToken(emulator, 'hrm-api', 'api-secret'));
    const token = () =>
      fetch(`${emulator.url}/connect/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('hrm-api:api-secret').toString('base64')}` },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'connect:users' }),
      });
    expect((await api('GET', '/users?email=rut@replika.se')).status).toBe(200);

    redis.pause();
    try {
      const during = await api('GET', '/users?email=rut@replika.se');
      expect(during).toMatchObject({ status: 503, body: { error: 'temporarily_unavailable', error_description: expect.stringContaining(`Redis at ${redis.url}`) } });
      expect((await fetch(`${emulator.url}/healthz`)).status).toBe(503);
      const page = await fetch(`${emulator.url}/connect/authorize?${authorizeQuery}`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(503);
      expect(await page.text()).toContain('try again shortly.');
      expect((await token()).status).toBe(503);
    } finally {
      redis.resume();
    }

    await expect.poll(async () => (await fetch(`${emulator.url}/healthz`)).status, { timeout: 10_000 }).toBe(200);
    expect((await api('GET', '/users?email=rut@replika.se')).status).toBe(200);
    expect((await token()).status).toBe(200);
  });
});
