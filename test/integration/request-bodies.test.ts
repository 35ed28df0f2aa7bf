import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { PUBLIC_API_SCOPES } from '../../provider/oidc/index.js';
import { apiClient, apiToken } from '../support/api-client.js';
import { startTestEmulator } from '../support/emulator.js';

/** Every JSON API checks its body against a schema: a field of the wrong type is a 400 that names the field. */
const fixtures = {
  clients: [
    { clientId: 'hrm', clientSecret: 'x', redirectUris: ['http://localhost:3000/signin-oidc'] },
    { clientId: 'hrm-api', clientSecret: 'api-secret', grantTypes: ['client_credentials'], scopes: ['connect:users'] },
    { clientId: 'public-api', clientSecret: 'public-secret', grantTypes: ['client_credentials'], scopes: [...PUBLIC_API_SCOPES] },
  ],
  users: [{ email: 'lena@example.se', password: 'Start&Pass2025' }],
};

describe('request bodies of the wrong shape', () => {
  let emulator: RunningEmulator;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
    api = apiClient(emulator, await apiToken(emulator, 'hrm-api', 'api-secret'));
  });
  afterAll(() => emulator.close());

  const control = async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${emulator.url}/_mock${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: await response.json() };
  };

  it.each([
    ['an e-mail that is a number', '/email-verifications', { email: 42, delivery: 'code' }, 'email must be a string'],
    ['a delivery that is a boolean', '/email-verifications', { email: 'a@b.se', delivery: true }, 'delivery must be "code" or "link"'],
    ['a tenant id that is a number', '/email-verifications', { email: 'a@b.se', delivery: 'code', tenantId: 7 }, 'tenantId must be a string'],
    ['a locale that is a list', '/email-verifications', { email: 'a@b.se', delivery: 'code', locale: ['sv'] }, 'locale must be a string'],
    ['items that are a string', '/email-verifications/batch', { items: 'a@b.se' }, 'items must be a non-empty array of verifications'],
    ['a code that is a number', '/email-verifications/x/verify', { code: 123456 }, 'code must be the 6 digits from the mail, as a string'],
  ])('the provisioning API answers %s with 400 naming the field', async (_name, path, body, description) => {
    expect(await api('POST', path, body)).toEqual({ status: 400, body: { error: 'invalid_request', error_description: description } });
  });

  it('the provisioning API names the field inside a batch item', async () => {
    const answer = await api('POST', '/email-verifications/batch', { items: [{ email: 'a@b.se', delivery: 'sms' }] });
    expect(answer.body.results).toEqual([{ email: 'a@b.se', httpStatus: 400, error: 'invalid_request', error_description: 'delivery must be "code" or "link"' }]);
  });

  it.each([
    ['a clock move that is a string', 'POST', '/clock', { advanceSeconds: '60' }, 'advanceSeconds must be a number of seconds'],
    ['a risk flag that is a string', 'PUT', '/risk', { trustedNetwork: 'yes' }, 'trustedNetwork must be true or false'],
    ['a client address that is no address', 'PUT', '/risk', { clientIp: 'localhost' }, 'clientIp must be an IPv4 or IPv6 address'],
    ['an explain request with a numeric client', 'POST', '/explain', { email: 'lena@example.se', clientId: 5 }, 'clientId is required (a string)'],
    ['an explain request with acr values as a list', 'POST', '/explain', { email: 'lena@example.se', clientId: 'hrm', acrValues: ['3'] }, 'acrValues must be a string'],
    ['a fault count that is a string', 'POST', '/faults', { endpoint: 'token', status: 500, count: '3' }, 'count must be a whole number from 1 to 10000'],
    ['a fault status that is a fraction', 'POST', '/faults', { endpoint: 'token', status: 500.5 }, 'status must be an HTTP error status from 400 to 599'],
  ])('the control plane answers %s with 400 naming the field', async (_name, method, path, body, description) => {
    expect(await control(method, path, body)).toEqual({ status: 400, body: { error: 'invalid_request', error_description: description } });
  });

  it('the control plane names unknown fields and the ones it knows', async () => {
    expect(await control('PUT', '/risk', { trusted: true })).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: 'unknown field "trusted"; known fields: trustedNetwork, clientIp' },
    });
  });

  it('the Public API answers a field of the wrong type with 400, its error code and the field', async () => {
    const token = await apiToken(emulator, 'public-api', 'public-secret', { scope: 'publicapi:user:create' });
    const response = await fetch(`${emulator.publicApiUrl}/v1.0/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ny@example.se', first_name: 5, last_name: 'Nyström' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error_code: 'ERROR_INVALID_FIRST_NAME', error: 'invalid_request', error_description: 'first_name: must be a string' });
  });

  /** A raw JSON text to the Public API, as a client writes it. */
  const publicApi = async (method: string, path: string, scope: string, body?: string) => {
    const token = await apiToken(emulator, 'public-api', 'public-secret', { scope });
    const response = await fetch(`${emulator.publicApiUrl}/v1.0${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('the Public API takes [] for a POST without data, as the reference SDK (Laravel Http) sends it', async () => {
    const lena = (await publicApi('GET', '/users?email=lena@example.se', 'publicapi:user:read')) as unknown as { body: { id: string }[] };
    expect(await publicApi('POST', `/users/${lena.body[0]!.id}/suspend`, 'publicapi:user:suspend', '[]')).toMatchObject({ status: 200, body: { suspended: true } });
    expect(await publicApi('POST', `/users/${lena.body[0]!.id}/resume`, 'publicapi:user:resume', '[]')).toMatchObject({ status: 200, body: { suspended: false } });
    expect((await publicApi('POST', `/users/${lena.body[0]!.id}/resume`, 'publicapi:user:resume', '[1]')).status).toBe(400);
  });

  it('refuses a text no client could read back (a lone surrogate) in any JSON API, instead of storing it', async () => {
    const loneSurrogate = '{"email":"ny@example.se","first_name":"\\ud800","last_name":"Nyström"}';
    expect(await publicApi('POST', '/users', 'publicapi:user:create', loneSurrogate)).toEqual({
      status: 400,
      body: { error_code: 'ERROR_INVALID_REQUEST', error: 'invalid_request', error_description: 'the body holds text that is not well-formed Unicode (a lone surrogate such as \\ud800), which no client could read back' },
    });
    const response = await fetch(`${emulator.url}/_mock/explain`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"lena@example.se","clientId":"hrm\\udc00"}' });
    expect(response.status).toBe(400);
  });
});
