import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ServiceTokenSigner } from '../../provider/oidc/service-token-signer.js';
import type { RunningEmulator } from '../../provider/index.js';
import { PUBLIC_API_SCOPES } from '../../provider/oidc/index.js';
import { apiClient, postControl } from '../support/api-client.js';
import { startReplicas, type Replicas } from '../support/replicas.js';

/**
 * client_credentials successes are answered beside oidc-provider (provider/oidc/client-credentials-grant.ts),
 * everything else by oidc-provider. Each request of the corpus is sent as it is and with a parameter
 * oidc-provider ignores but that always sends the request on to oidc-provider: the two answers must be
 * the same, but for the token's own jti, iat and exp.
 */
const LISTED = '3a4b5c6d-7e8f-4a1b-9c2d-3e4f5a6b7c8d';
const UNLISTED = '4b5c6d7e-8f9a-4b2c-8d3e-4f5a6b7c8d9e';
const TO_OIDC_PROVIDER = 'x_answered_by=oidc-provider';
const FORM = 'application/x-www-form-urlencoded';
/** Stands for the emulator's issuer in a request (known once it runs). */
const ISSUER = '{issuer}';

const fixtures = {
  tenants: [
    { id: LISTED, name: 'Listad AB' },
    { id: UNLISTED, name: 'Olistad AB' },
  ],
  clients: [
    { clientId: 'hrm-api', clientSecret: 'api-secret', grantTypes: ['client_credentials'], scopes: ['connect:users'] },
    { clientId: 'both-apis', clientSecret: 'p@ss word+/:%', grantTypes: ['client_credentials'], scopes: ['connect:users', ...PUBLIC_API_SCOPES] },
    { clientId: 'one-tenant', clientSecret: 'tenant-secret', grantTypes: ['client_credentials'], scopes: ['connect:users'], tenants: [LISTED] },
    { clientId: 'hrm', clientSecret: 'hrm-secret', redirectUris: ['http://localhost:3000/signin-oidc'] },
    { clientId: 'spa', redirectUris: ['http://localhost:3000/spa'] },
  ],
};

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
const HRM_API = basic('hrm-api', 'api-secret');
const BOTH = basic('both-apis', 'p@ss word+/:%');

interface TokenRequest {
  name: string;
  headers?: Record<string, string>;
  body: string;
  query?: string;
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const cc = (fields: Record<string, string> = {}) => form({ grant_type: 'client_credentials', ...fields });
const withBasic = (authorization: string, body: string, name: string, headers: Record<string, string> = {}): TokenRequest => ({ name, body, headers: { 'content-type': FORM, authorization, ...headers } });
const posted = (fields: Record<string, string>, name: string): TokenRequest => ({ name, body: cc(fields), headers: { 'content-type': FORM } });

/** What the fast path answers itself (after the first request has read the client). */
const SUCCESSES: TokenRequest[] = [
  withBasic(HRM_API, cc({ scope: 'connect:users' }), 'client_secret_basic, the provisioning scope'),
  posted({ client_id: 'hrm-api', client_secret: 'api-secret', scope: 'connect:users' }, 'client_secret_post'),
  withBasic(HRM_API, cc(), 'no scope'),
  withBasic(HRM_API, cc({ scope: 'connect:users connect:users' }), 'a scope asked for twice'),
  withBasic(HRM_API, cc({ scope: 'connect:users', client_id: 'hrm-api' }), 'Basic with the same client_id in the body'),
  withBasic(BOTH, cc({ scope: 'publicapi:user:read publicapi:tenant:read' }), 'publicapi scopes, a secret that needs form-encoding'),
  withBasic(BOTH, cc({ scope: 'connect:users publicapi:user:read' }), 'a publicapi scope beside the provisioning scope'),
  withBasic(BOTH, cc(), 'no scope, a client with both APIs'),
  posted({ client_id: 'both-apis', client_secret: 'p@ss word+/:%', scope: 'publicapi:user:create' }, 'client_secret_post with characters to encode'),
  withBasic(HRM_API, cc({ scope: 'connect:users', tenant_id: LISTED }), 'a tenant_id of a client without a tenants list'),
  withBasic(basic('one-tenant', 'tenant-secret'), cc({ scope: 'connect:users', tenant_id: LISTED }), 'a tenant_id the client lists'),
  withBasic(HRM_API, cc({ scope: 'connect:users' }), 'an Origin header', { origin: 'http://hrm.example' }),
  { name: 'a form with a utf-8 charset', body: cc({ scope: 'connect:users' }), headers: { 'content-type': `${FORM}; charset=utf-8`, authorization: HRM_API } },
];

/** What oidc-provider answers: errors, and what the fast path leaves to it. */
const OTHERS: TokenRequest[] = [
  withBasic(basic('hrm-api', 'wrong'), cc({ scope: 'connect:users' }), 'a wrong secret (Basic)'),
  posted({ client_id: 'hrm-api', client_secret: 'wrong', scope: 'connect:users' }, 'a wrong secret (post)'),
  withBasic(basic('nobody', 'secret'), cc(), 'an unknown client'),
  posted({ client_id: 'spa', client_secret: 'anything' }, 'a public client presenting a secret'),
  posted({ client_id: 'spa' }, 'a public client without a secret'),
  withBasic(basic('hrm', 'hrm-secret'), cc({ scope: 'openid' }), 'a client without the grant'),
  withBasic(HRM_API, cc({ scope: 'openid' }), 'a known scope the client may not use'),
  withBasic(HRM_API, cc({ scope: 'connect:users no-such-scope' }), 'an unknown scope'),
  withBasic(HRM_API, cc({ scope: 'connect:users  connect:users' }), 'a scope with two spaces'),
  withBasic(HRM_API, cc({ scope: '' }), 'an empty scope'),
  withBasic(HRM_API, cc({ scope: 'connect:users', tenant_id: 'no-such-tenant' }), 'an unknown tenant_id'),
  withBasic(basic('one-tenant', 'tenant-secret'), cc({ scope: 'connect:users', tenant_id: UNLISTED }), 'a tenant_id the client does not list'),
  withBasic(HRM_API, `${cc({ scope: 'connect:users' })}&tenant_id=${LISTED}&tenant_id=${LISTED}`, 'tenant_id twice'),
  withBasic(HRM_API, `${cc({ scope: 'connect:users' })}&scope=connect:users`, 'scope twice'),
  withBasic(HRM_API, `${cc({ scope: 'connect:users' })}&grant_type=client_credentials`, 'grant_type twice'),
  withBasic(HRM_API, cc({ scope: 'connect:users', resource: ISSUER + '/api' }), 'a resource parameter naming the provisioning API'),
  withBasic(HRM_API, cc({ scope: 'connect:users', resource: 'https://elsewhere.example/api' }), 'a resource parameter naming another API'),
  withBasic(HRM_API, cc({ scope: 'connect:users' }), 'a DPoP header', { dpop: 'not-a-proof' }),
  withBasic(HRM_API, cc({ scope: 'connect:users', client_secret: 'api-secret' }), 'Basic and client_secret both'),
  withBasic(HRM_API, cc({ scope: 'connect:users', client_id: 'both-apis' }), 'Basic and another client_id'),
  withBasic('Basic !!!', cc(), 'a malformed Authorization header'),
  withBasic(`Bearer ${Buffer.from('hrm-api:api-secret').toString('base64')}`, cc(), 'another authorization scheme'),
  withBasic(HRM_API, form({ scope: 'connect:users' }), 'no grant_type'),
  withBasic(HRM_API, form({ grant_type: 'password', scope: 'connect:users' }), 'another grant_type'),
  { ...withBasic(HRM_API, cc({ scope: 'connect:users' }), 'a query string'), query: '?scope=openid' },
  { name: 'a JSON body', body: JSON.stringify({ grant_type: 'client_credentials' }), headers: { 'content-type': 'application/json', authorization: HRM_API } },
  { name: 'a text/plain body', body: cc(), headers: { 'content-type': 'text/plain', authorization: HRM_API } },
  { name: 'an unknown charset', body: cc(), headers: { 'content-type': `${FORM}; charset=no-such-charset`, authorization: HRM_API } },
  withBasic(HRM_API, `${cc({ scope: 'connect:users' })}&padding=${'a'.repeat(60 * 1024)}`, 'a body beyond 56 KiB'),
];

interface Answer {
  status: number;
  headers: Record<string, string | null>;
  body: Record<string, unknown>;
  keys: string[];
}

const HEADERS = ['content-type', 'cache-control', 'pragma', 'vary', 'access-control-allow-origin', 'access-control-expose-headers', 'www-authenticate'];

describe('client_credentials answered beside oidc-provider', () => {
  let replicas: Replicas;
  let emulator: RunningEmulator;

  beforeAll(async () => {
    replicas = await startReplicas(fixtures);
    emulator = replicas.at(0);
  });
  afterAll(() => replicas.close());
  beforeEach(() => replicas.reset());

  async function send(request: TokenRequest, { toOidcProvider = false, on = emulator } = {}): Promise<Answer> {
    const sent = request.body.replaceAll(encodeURIComponent(ISSUER), encodeURIComponent(on.issuer));
    const body = toOidcProvider ? `${sent}&${TO_OIDC_PROVIDER}` : sent;
    const response = await fetch(`${on.url}/connect/token${request.query ?? ''}`, { method: 'POST', headers: request.headers, body });
    const parsed = (await response.json()) as Record<string, unknown>;
    return { status: response.status, headers: Object.fromEntries(HEADERS.map((name) => [name, response.headers.get(name)])), body: parsed, keys: Object.keys(parsed) };
  }

  /** The answer with the token decoded and its own jti, iat and exp checked and left out. */
  function comparable(answer: Answer) {
    const token = answer.body['access_token'];
    if (typeof token !== 'string') return answer;
    const { jti, iat, exp, ...claims } = decodeJwt(token);
    expect(jti).toMatch(/^[\w-]{43}$/);
    expect(exp! - iat!).toBe(3600);
    expect(Math.abs(iat! - Date.now() / 1000)).toBeLessThan(60);
    return { ...answer, body: { ...answer.body, access_token: { header: decodeProtectedHeader(token), claims, claimOrder: Object.keys(decodeJwt(token)) } } };
  }

  /** How many tokens the fast path signed while `send` ran (oidc-provider signs its own through jose). */
  async function signedBeside(send: () => Promise<unknown>): Promise<number> {
    const sign = vi.spyOn(ServiceTokenSigner.prototype, 'sign');
    try {
      await send();
      return sign.mock.calls.length;
    } finally {
      sign.mockRestore();
    }
  }

  for (const request of [...SUCCESSES, ...OTHERS]) {
    it(`answers as oidc-provider does: ${request.name}`, async () => {
      const fast = await send(request);
      const reference = await send(request, { toOidcProvider: true });
      expect(comparable(fast)).toEqual(comparable(reference));
      expect(fast.keys).toEqual(reference.keys);
      if (SUCCESSES.includes(request)) expect(fast.status).toBe(200);
    });
  }

  it('answers the successes itself and leaves the marked requests to oidc-provider', async () => {
    for (const request of SUCCESSES) {
      const [fast, reference] = [await signedBeside(() => send(request)), await signedBeside(() => send(request, { toOidcProvider: true }))];
      expect({ request: request.name, fast, reference }).toEqual({ request: request.name, fast: 1, reference: 0 });
    }
  });

  it('signs tokens that verify with the published keys and work at the provisioning API and the Public API', async () => {
    const keys = createRemoteJWKSet(new URL(`${emulator.issuer}/.well-known/openid-configuration/jwks`));
    const provisioning = await send(SUCCESSES[0]!);
    const publicApi = await send(SUCCESSES[5]!);
    await jwtVerify(provisioning.body['access_token'] as string, keys, { issuer: emulator.issuer, audience: `${emulator.issuer}/api`, typ: 'at+jwt' });
    await jwtVerify(publicApi.body['access_token'] as string, keys, { issuer: emulator.issuer, audience: 'publicapi', typ: 'at+jwt' });

    const users = await apiClient(emulator, provisioning.body['access_token'] as string)('GET', '/users?email=nobody%40example.se');
    expect(users.status).toBe(404);
    const tenants = await fetch(`${emulator.publicApiUrl}/v1.0/tenants/${LISTED}`, { headers: { authorization: `Bearer ${publicApi.body['access_token'] as string}` } });
    expect(tenants.status).toBe(200);
  });

  it('answers the same under a moved clock, and its tokens live an hour of the moved clock at our APIs', async () => {
    expect((await postControl(emulator.url, '/clock', { advanceSeconds: 7200 })).status).toBe(200);
    for (const request of [SUCCESSES[0]!, SUCCESSES[10]!, OTHERS[0]!]) {
      expect(comparable(await send(request))).toEqual(comparable(await send(request, { toOidcProvider: true })));
    }
    const token = (await send(SUCCESSES[0]!)).body['access_token'] as string;
    const api = apiClient(emulator, token);
    expect((await api('GET', '/users?email=nobody%40example.se')).status).toBe(404);
    expect((await postControl(emulator.url, '/clock', { advanceSeconds: 3601 })).status).toBe(200);
    expect((await api('GET', '/users?email=nobody%40example.se')).status).toBe(401);
  });

  it('sees a client changed through the control plane at once, on every replica', async () => {
    const other = replicas.at(1);
    const oldSecret = SUCCESSES[0]!;
    const newSecret = withBasic(basic('hrm-api', 'new-secret'), cc({ scope: 'connect:users' }), 'the new secret');
    expect((await send(oldSecret, { on: other })).status).toBe(200);

    const changed = { clients: [{ clientId: 'hrm-api', clientSecret: 'new-secret', grantTypes: ['client_credentials'], scopes: ['connect:users'] }] };
    expect((await postControl(emulator.url, '/fixtures', changed)).status).toBe(200);
    expect((await send(oldSecret, { on: other })).body).toMatchObject({ error: 'invalid_client' });
    expect((await send(newSecret, { on: other })).status).toBe(200);

    await replicas.reset();
    expect((await send(oldSecret, { on: other })).status).toBe(200);
    expect((await send(newSecret, { on: other })).body).toMatchObject({ error: 'invalid_client' });
  });
});
