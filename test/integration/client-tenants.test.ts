import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { startTestEmulator } from '../support/emulator.js';

/** An API client's fixture may list the tenants its client_credentials tokens may be bound to (`tenant_id`). */
const OWN = '0a0a0a0a-0000-4000-8000-000000000001';
const OTHER = '0b0b0b0b-0000-4000-8000-000000000002';
const fixtures = {
  tenants: [
    { id: OWN, name: 'Eget AB' },
    { id: OTHER, name: 'Annat AB' },
  ],
  clients: [
    { clientId: 'bound-api', clientSecret: 'bound-secret', grantTypes: ['client_credentials'], scopes: ['connect:users'], tenants: [OWN] },
    { clientId: 'open-api', clientSecret: 'open-secret', grantTypes: ['client_credentials'], scopes: ['connect:users'] },
  ],
};

describe('the tenants an API client may act for', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
  });
  afterAll(() => emulator.close());

  async function token(clientId: string, secret: string, tenantId?: string) {
    const response = await fetch(`${emulator.url}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'connect:users', ...(tenantId && { tenant_id: tenantId }) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  }

  it('binds a token to a tenant the client lists', async () => {
    const answer = await token('bound-api', 'bound-secret', OWN);
    expect(answer.status).toBe(200);
    expect(decodeJwt(answer.body['access_token']!)).toMatchObject({ client_id: 'bound-api', tenant_id: OWN });
  });

  it('refuses a tenant the client does not list, though it exists', async () => {
    expect(await token('bound-api', 'bound-secret', OTHER)).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: `the client bound-api may not act for tenant ${OTHER}: its fixture lists the tenants it may` },
    });
  });

  it('still refuses an unknown tenant as unknown', async () => {
    expect(await token('bound-api', 'bound-secret', 'no-such-tenant')).toMatchObject({ status: 400, body: { error_description: 'tenant_id does not name a known tenant' } });
  });

  it('lets a client without a list act for every tenant (the default, as before the setting)', async () => {
    for (const tenant of [OWN, OTHER]) expect(decodeJwt((await token('open-api', 'open-secret', tenant)).body['access_token']!)).toMatchObject({ tenant_id: tenant });
  });
});
