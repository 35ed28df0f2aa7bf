import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { discover } from '../support/relying-party.js';

const TENANT = '3a4b5c6d-7e8f-4a1b-9c2d-3e4f5a6b7c8d';

describe('client_credentials for the provisioning API', () => {
  let emulator: RunningEmulator;
  let api: oidc.Configuration;

  beforeAll(async () => {
    emulator = await startTestEmulator({
      fixtures: {
        tenants: [{ id: TENANT, name: 'Bolaget AB' }],
        clients: [{ clientId: 'hrm-backend', clientSecret: 's3cret', grantTypes: ['client_credentials'], scopes: ['connect:users'] }],
      },
    });
    api = await discover(emulator.issuer, 'hrm-backend', 's3cret');
  });
  afterAll(() => emulator.close());

  it('issues a signed JWT access token with client_id, scope and tenant_id, no sub, valid for an hour', async () => {
    const tokens = await oidc.clientCredentialsGrant(api, { scope: 'connect:users', tenant_id: TENANT });
    expect(tokens.expires_in).toBe(3600);
    const jwks = createRemoteJWKSet(new URL(api.serverMetadata().jwks_uri!));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, { issuer: emulator.issuer, audience: `${emulator.issuer}/api` });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({ client_id: 'hrm-backend', scope: 'connect:users', tenant_id: TENANT });
    expect(payload).not.toHaveProperty('sub');
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it('leaves tenant_id out when the request does not name a tenant', async () => {
    const tokens = await oidc.clientCredentialsGrant(api, { scope: 'connect:users' });
    expect(decodeJwt(tokens.access_token)).not.toHaveProperty('tenant_id');
  });

  it('accepts the secret in the body (client_secret_post) as well as in the Authorization header', async () => {
    const response = await fetch(`${emulator.issuer}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'hrm-backend', client_secret: 's3cret', scope: 'connect:users' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'connect:users' });
  });

  it('refuses an unknown tenant_id with invalid_request', async () => {
    await expect(oidc.clientCredentialsGrant(api, { scope: 'connect:users', tenant_id: 'no-such-tenant' })).rejects.toMatchObject({
      error: 'invalid_request',
      error_description: 'tenant_id does not name a known tenant',
    });
  });

  it('refuses a wrong secret with invalid_client', async () => {
    const wrong = await discover(emulator.issuer, 'hrm-backend', 'not-it');
    await expect(oidc.clientCredentialsGrant(wrong, { scope: 'connect:users' })).rejects.toMatchObject({ error: 'invalid_client' });
  });
});
