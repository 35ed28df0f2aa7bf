import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { buildLogin, discover } from '../support/relying-party.js';
import { UserAgent } from '../support/user-agent.js';

const CALLBACK = 'http://localhost:3000/signin-oidc';

const fixtures = {
  clients: [
    { clientId: 'hrm', clientSecret: 'hrm-secret', redirectUris: [CALLBACK], scopes: ['openid', 'profile', 'offline_access'] },
    { clientId: 'service', clientSecret: 'service-secret', grantTypes: ['client_credentials'], scopes: ['connect:users'] },
  ],
};

describe('errors as Visma Connect (IdentityServer) answers them', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
  });
  afterAll(() => emulator.close());

  it('refuses a scope the server does not know at the token endpoint with invalid_scope (400)', async () => {
    const service = await discover(emulator.issuer, 'service', 'service-secret');
    await expect(oidc.clientCredentialsGrant(service, { scope: 'connect:users connect:everything' })).rejects.toMatchObject({
      error: 'invalid_scope',
      status: 400,
      error_description: 'unknown scope: connect:everything',
    });
    await expect(oidc.clientCredentialsGrant(service, { scope: 'connect:users' })).resolves.toMatchObject({ scope: 'connect:users' });
  });

  it('answers a wrong client secret with invalid_client and status 400, without a WWW-Authenticate challenge', async () => {
    const wrong = await discover(emulator.issuer, 'service', 'not-the-secret');
    await expect(oidc.clientCredentialsGrant(wrong, { scope: 'connect:users' })).rejects.toMatchObject({ error: 'invalid_client', status: 400 });

    const response = await fetch(`${emulator.issuer}/connect/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('service:not-the-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('www-authenticate')).toBeNull();
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('sends invalid_scope to the redirect URI when the authorization request names an unknown scope', async () => {
    const hrm = await discover(emulator.issuer, 'hrm', 'hrm-secret');
    const login = await buildLogin(hrm, { redirectUri: CALLBACK, scope: 'openid profile payroll:read', responseMode: 'query' });
    const answer = await new UserAgent().get(login.url.href);
    const callback = new URL(answer.location!);
    expect(callback.origin + callback.pathname).toBe(CALLBACK);
    expect(Object.fromEntries(callback.searchParams)).toMatchObject({ error: 'invalid_scope', state: login.state, iss: emulator.issuer });
  });

  it('keeps refusing a known scope the client may not use with invalid_scope', async () => {
    const hrm = await discover(emulator.issuer, 'hrm', 'hrm-secret');
    const login = await buildLogin(hrm, { redirectUri: CALLBACK, scope: 'openid email', responseMode: 'query' });
    const callback = new URL((await new UserAgent().get(login.url.href)).location!);
    expect(callback.searchParams.get('error')).toBe('invalid_scope');
  });

  // oidc-provider's router folds case and takes a trailing slash: these reach its endpoints too.
  const spellings = (path: string) => [path, `${path}/`, path.toUpperCase()];

  it('answers another method at the token endpoint with 400 invalid_request, and at introspection and revocation with 405, in JSON, however the path is spelled', async () => {
    for (const spelled of spellings('/connect/token')) {
      const token = await fetch(`${emulator.issuer}${spelled}`);
      expect([token.status, await token.json()], spelled).toEqual([400, { error: 'invalid_request', error_description: 'the token endpoint takes POST with a form body, not GET' }]);
    }
    for (const path of ['/connect/introspect', '/connect/revocation']) {
      for (const spelled of spellings(path)) {
        const answer = await fetch(`${emulator.issuer}${spelled}`, { method: 'PUT' });
        expect(answer.status, spelled).toBe(405);
        expect(answer.headers.get('allow')).toBe('POST');
        expect(await answer.json()).toEqual({ error: 'invalid_request', error_description: `${path} takes POST with a form body, not PUT` });
      }
    }
  });

  it('refuses a compressed body at the token endpoint with 415 rather than reading it as a form, however the path is spelled', async () => {
    const { gzipSync } = await import('node:zlib');
    const form = 'grant_type=client_credentials&scope=connect%3Ausers&client_id=service&client_secret=service-secret';
    for (const spelled of spellings('/connect/token')) {
      for (const body of [gzipSync(form), Buffer.from(form)]) {
        const answer = await fetch(`${emulator.issuer}${spelled}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' }, body });
        expect([answer.status, await answer.json()], spelled).toEqual([415, { error: 'invalid_request', error_description: 'send the form uncompressed: Content-Encoding gzip is not accepted' }]);
      }
    }
  });

  it('still answers the CORS preflight of a single-page app at the token endpoint', async () => {
    const answer = await fetch(`${emulator.issuer}/connect/token`, { method: 'OPTIONS', headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' } });
    expect(answer.status).toBe(204);
  });
});
