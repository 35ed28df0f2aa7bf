import * as oidc from 'openid-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { apiClient, apiToken } from '../support/api-client.js';
import { startTestEmulator } from '../support/emulator.js';
import { buildLogin, callbackRequest, completeLogin, discover, signInThroughPages } from '../support/relying-party.js';
import { UserAgent } from '../support/user-agent.js';

const CALLBACK = 'http://localhost:3000/signin-oidc';
const fixtures = {
  tenants: [{ id: 'base', name: 'Bas AB' }],
  clients: [
    { clientId: 'hrm', clientSecret: 'x', redirectUris: [CALLBACK], roles: ['Payroll'] },
    { clientId: 'hrm-api', clientSecret: 'api', grantTypes: ['client_credentials'], scopes: ['connect:users'] },
  ],
  users: [{ email: 'bas@example.se', password: 'Bas&Pass2025', tenants: ['base'] }],
};

describe('fixtures merged at run time, and injected faults', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  const control = async (method: string, path: string, body?: unknown, contentType = 'application/json') => {
    const response = await fetch(`${emulator.url}/_mock${path}`, {
      method,
      ...(body !== undefined && { headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  it('merges a user, a client and a domain policy that a login then uses, until the next reset', async () => {
    const merged = await control('POST', '/fixtures', {
      domains: [{ name: 'ny.se', twoFactor: 'required' }],
      clients: [{ clientId: 'extra-app', clientSecret: 'e', redirectUris: ['http://localhost:3009/cb'], twoFactor: 'bypass' }],
      users: [{ email: 'ny@ny.se', password: 'Ny&Pass2025', tenants: ['base'] }],
    });
    expect(merged).toEqual({ status: 200, body: { status: 'merged', tenants: 0, domains: 1, clients: 1, users: 1 } });
    const app = await discover(emulator.issuer, 'extra-app', 'e');
    const login = await buildLogin(app, { redirectUri: 'http://localhost:3009/cb' });
    const answer = await signInThroughPages(new UserAgent(), login.url, 'ny@ny.se', 'Ny&Pass2025', 'http://localhost:3009/cb');
    expect((await completeLogin(app, login, callbackRequest(answer, 'http://localhost:3009/cb'))).claims()!.acr).toBe('2');

    await emulator.reset();
    expect((await control('POST', '/explain', { email: 'ny@ny.se', clientId: 'extra-app' })).status).toBe(404);
  });

  it('accepts fixtures as YAML too, and keeps the sub of a user it replaces', async () => {
    const before = await control('POST', '/explain', { email: 'bas@example.se', clientId: 'hrm' });
    expect(before.status).toBe(200);
    const yaml = 'users:\n  - email: bas@example.se\n    password: Ny&Bas2025\n    totpSecret: JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP\n';
    expect((await control('POST', '/fixtures', yaml, 'application/yaml')).status).toBe(200);
    expect((await control('POST', '/explain', { email: 'bas@example.se', clientId: 'hrm' })).body).toMatchObject({ outcome: 'challenge', input: { enrolled: true } });
  });

  it('merges roles in the applications of tenants and clients already loaded, and checks them against those', async () => {
    const roles = (role: string) => ({ users: [{ email: 'roll@example.se', tenants: ['base'], applicationRoles: [{ tenant: 'base', application: 'hrm', roles: [role] }] }] });
    expect((await control('POST', '/fixtures', roles('Admin'))).body.error_description).toBe(
      'POST /_mock/fixtures: users[0].applicationRoles[0].application: "hrm" is not an application of tenant "base" (add it to the tenant\'s applications)',
    );
    expect((await control('POST', '/fixtures', { tenants: [{ id: 'base', name: 'Bas AB', applications: ['hrm'] }] })).status).toBe(200);
    expect((await control('POST', '/fixtures', roles('Admin'))).body.error_description).toBe('POST /_mock/fixtures: users[0].applicationRoles[0].roles[0]: "Admin" is not a role of hrm (its roles: Payroll)');
    expect((await control('POST', '/fixtures', roles('Payroll'))).status).toBe(200);
  });

  it("refuses a user whose sub is another user's, or whose address has a user with another sub, changing nothing", async () => {
    const api = apiClient(emulator, await apiToken(emulator, 'hrm-api', 'api'));
    const bas = (await api('GET', '/users?email=bas@example.se')).body.userId as string;
    const taken = await control('POST', '/fixtures', { users: [{ email: 'ny@example.se', password: 'Ny&Pass2025', sub: bas }] });
    expect(taken).toEqual({ status: 400, body: { error: 'invalid_fixtures', error_description: 'POST /_mock/fixtures: users[0].sub: is already the sub of bas@example.se: give another, or leave it out for a new one' } });
    const other = '11111111-1111-4111-8111-111111111111';
    const moved = await control('POST', '/fixtures', { users: [{ email: 'bas@example.se', password: 'Ny&Pass2025', sub: other }] });
    expect(moved).toEqual({ status: 400, body: { error: 'invalid_fixtures', error_description: `POST /_mock/fixtures: users[0].sub: bas@example.se already has sub ${bas}: give that one, or leave sub out, to replace the user` } });
    expect((await api('GET', '/users?email=bas@example.se')).body).toMatchObject({ userId: bas, email: 'bas@example.se' });
    expect((await api('GET', `/users/${other}`)).status).toBe(404);
    expect((await api('GET', '/users?email=ny@example.se')).status).toBe(404);
    const shouted = await control('POST', '/fixtures', { users: [{ email: 'ny@example.se', password: 'Ny&Pass2025', sub: bas.toUpperCase() }] });
    expect(shouted.body.error_description).toBe('POST /_mock/fixtures: users[0].sub: is already the sub of bas@example.se: give another, or leave it out for a new one');
    expect((await control('POST', '/fixtures', { users: [{ email: 'bas@example.se', password: 'Ny&Pass2025', sub: bas.toUpperCase() }] })).status).toBe(200);
    expect((await control('POST', '/fixtures', { users: [{ email: 'bas@example.se', password: 'Ny&Pass2025', sub: bas }] })).status).toBe(200);
  });

  it('refuses bad fixtures with the path and the reason, changing nothing', async () => {
    const refused = await control('POST', '/fixtures', { users: [{ email: 'x@y.se', tenants: ['nowhere'] }] });
    expect(refused).toEqual({ status: 400, body: { error: 'invalid_fixtures', error_description: 'POST /_mock/fixtures: users[0].tenants[0]: no tenant has id "nowhere"' } });
    const bad = await control('POST', '/fixtures', { clients: [{ clientId: 'c', redirectUris: ['http://l/cb#frag'] }] });
    expect(bad.body.error_description).toBe('POST /_mock/fixtures: clients[0]: c: redirect_uris must not contain fragments');
    expect((await control('POST', '/fixtures', 'users: [', 'application/yaml')).status).toBe(400);
  });

  it('fails the next token requests with the chosen error and status, then recovers', async () => {
    expect((await control('POST', '/faults', { endpoint: 'token', count: 2, status: 503, error: 'temporarily_unavailable' })).status).toBe(201);
    const token = () => fetch(`${emulator.url}/connect/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=hrm-api&client_secret=api' });
    for (let i = 0; i < 2; i += 1) {
      const failed = await token();
      expect(failed.status).toBe(503);
      expect(await failed.json()).toEqual({ error: 'temporarily_unavailable', error_description: 'injected by POST /_mock/faults' });
    }
    expect((await token()).status).toBe(200);
  });

  it('reports an authorization fault to the app at its redirect_uri, with state', async () => {
    await control('POST', '/faults', { endpoint: 'authorize', error: 'server_error', errorDescription: 'Visma Connect is down' });
    const hrm = await discover(emulator.issuer, 'hrm', 'x');
    const login = await buildLogin(hrm, { redirectUri: CALLBACK, responseMode: 'query' });
    const page = await new UserAgent().get(login.url.href);
    const back = new URL(page.location!);
    expect(back.origin + back.pathname).toBe(CALLBACK);
    expect(Object.fromEntries(back.searchParams)).toMatchObject({ error: 'server_error', error_description: 'Visma Connect is down', state: login.state, iss: emulator.issuer });
  });

  it('delays discovery, and fails jwks and the provisioning API', async () => {
    await control('POST', '/faults', { endpoint: 'jwks', status: 500 });
    expect((await fetch(`${emulator.url}/.well-known/openid-configuration/jwks`)).status).toBe(500);
    await control('POST', '/faults', { endpoint: 'api', status: 429, error: 'rate_limited' });
    expect((await fetch(`${emulator.url}/api/v1/users?email=a@b.se`)).status).toBe(429);
    await control('POST', '/faults', { endpoint: 'discovery', delayMs: 300 });
    const started = performance.now();
    await oidc.discovery(new URL(emulator.issuer), 'hrm', 'x', undefined, { execute: [oidc.allowInsecureRequests] });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('lists, clears and validates faults', async () => {
    await control('POST', '/faults', { endpoint: 'userinfo', count: 3, status: 401, error: 'invalid_token' });
    expect((await control('GET', '/faults')).body.faults).toEqual([expect.objectContaining({ endpoint: 'userinfo', remaining: 3 })]);
    expect((await control('DELETE', '/faults')).status).toBe(204);
    expect((await control('GET', '/faults')).body.faults).toEqual([]);
    expect((await control('POST', '/faults', { endpoint: 'everything', status: 500 })).body.error_description).toMatch(/^endpoint must be one of authorize, token/);
    expect((await control('POST', '/faults', { endpoint: 'token' })).body.error_description).toBe('give a status, an error, a delayMs, or several');
    expect((await control('POST', '/faults', { endpoint: 'token', status: 200 })).status).toBe(400);
  });
});

describe('the control plane beyond loopback', () => {
  it('refuses every call when the server listens on all addresses without CONTROL_TOKEN', async () => {
    const open = await startTestEmulator({ fixtures, settings: { host: '0.0.0.0' } });
    try {
      const answer = await fetch(`http://127.0.0.1:${open.port}/_mock/clock`);
      expect(answer.status).toBe(403);
      expect(await answer.json()).toEqual({ error: 'control_plane_disabled', error_description: 'the server listens beyond loopback, so the control plane needs CONTROL_TOKEN to be set' });
      expect((await fetch(`http://127.0.0.1:${open.port}/_mock/mail`)).status).toBe(403);
    } finally {
      await open.close();
    }
  });
});
