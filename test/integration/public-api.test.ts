import { gzipSync } from 'node:zlib';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { PUBLIC_API_SCOPES } from '../../provider/oidc/index.js';
import { apiClient, apiToken, mailClient } from '../support/api-client.js';
import { startTestEmulator } from '../support/emulator.js';
import { buildLogin, callbackRequest, completeLogin, discover, signInThroughPages } from '../support/relying-party.js';
import { readForm, UserAgent, validationMessages } from '../support/user-agent.js';

const FIRST = '5d1f3c2a-8b4e-4f6a-9c7d-1e2f3a4b5c6d';
const SECOND = '6e2a4d3b-9c5f-4a7b-8d8e-2f3a4b5c6d7e';
const CALLBACK = 'http://localhost:3000/signin-oidc';
const PASSWORD = 'Sommar2025!x';
const ALL_SCOPES: readonly string[] = PUBLIC_API_SCOPES;

const fixtures = {
  tenants: [
    { id: FIRST, name: 'Första AB', applications: ['hrm'] },
    { id: SECOND, name: 'Andra AB', allowedDomains: ['andra.se'], applications: ['hrm'] },
  ],
  clients: [
    {
      clientId: 'hrm',
      name: 'Flex HRM',
      clientSecret: 'hrm-secret',
      redirectUris: [CALLBACK],
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      roles: ['Administrator', 'Payroll', 'Employee'],
    },
    { clientId: 'time-app', clientSecret: 'time-secret', redirectUris: ['http://localhost:3009/cb'], roles: ['Reporter'] },
    { clientId: 'public-api', clientSecret: 'api-secret', grantTypes: ['client_credentials'], scopes: [...ALL_SCOPES] },
    { clientId: 'provisioning', clientSecret: 'prov-secret', grantTypes: ['client_credentials'], scopes: ['connect:users'] },
  ],
  users: [
    {
      email: 'anna@forsta.se',
      password: PASSWORD,
      givenName: 'Anna',
      familyName: 'Andersson',
      tenants: [FIRST],
      applicationRoles: [{ tenant: FIRST, application: 'hrm', roles: ['Administrator'] }],
    },
    { email: 'bo@andra.se', password: PASSWORD, givenName: 'Bo', familyName: 'Berg', tenants: [SECOND] },
    { email: 'cecilia@privat.se', password: PASSWORD, givenName: 'Cecilia', familyName: 'Carlsson' },
  ],
};

interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

describe('the Visma Connect Public API', () => {
  let emulator: RunningEmulator;
  let hrm: oidc.Configuration;
  let api: (method: string, path: string, body?: unknown) => Promise<Answer>;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
    hrm = await discover(emulator.issuer, 'hrm', 'hrm-secret');
  });
  afterAll(() => emulator.close());
  beforeEach(async () => {
    await emulator.reset();
    api = client(await token(ALL_SCOPES));
  });

  /** A client_credentials token from the token endpoint, as the Visma Connect SDKs ask for one. */
  async function token(scopes: readonly string[], extra: Record<string, string> = {}): Promise<string> {
    return apiToken(emulator, 'public-api', 'api-secret', { scope: scopes.join(' '), ...extra });
  }

  function client(accessToken: string | undefined) {
    return async (method: string, path: string, body?: unknown): Promise<Answer> => {
      const response = await fetch(`${emulator.publicApiUrl}${path}`, {
        method,
        headers: {
          ...(accessToken && { authorization: `Bearer ${accessToken}` }),
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
    };
  }

  const userId = async (email: string): Promise<string> => (await api('GET', `/v1.0/users?email=${encodeURIComponent(email)}`)).body[0].id;

  /** Signs in through the login pages with openid-client as the relying party; answers the last page. */
  async function signIn(email: string, password: string, agent = new UserAgent()) {
    const login = await buildLogin(hrm, { redirectUri: CALLBACK });
    const answer = await signInThroughPages(agent, login.url, email, password, CALLBACK);
    return { answer, login, agent };
  }

  async function signsIn(email: string, password: string): Promise<string> {
    const { answer, login } = await signIn(email, password);
    const tokens = await completeLogin(hrm, login, callbackRequest(answer, CALLBACK));
    return tokens.claims()!.sub;
  }

  const newUser = { email: 'ny.person@forsta.se', first_name: 'Ny', last_name: 'Person', country_code: 'se', preferred_language: 'sv-SE', password: 'Vinter2025!q' };

  describe('access', () => {
    it('listens on its own port and refuses a request without a token with 401, ERROR_INVALID_TOKEN and a Bearer challenge', async () => {
      expect(new URL(emulator.publicApiUrl).port).not.toBe(new URL(emulator.url).port);
      const answer = await client(undefined)('GET', '/v1.0/tenants');
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({
        error_code: 'ERROR_INVALID_TOKEN',
        error: 'invalid_token',
        error_description: 'send a bearer access token from client_credentials with the publicapi:* scopes the operation needs',
      });
      expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="Visma Connect Public API"');
    });

    it('issues its tokens as JWTs for the publicapi audience with the scopes asked for, and takes no provisioning-API token', async () => {
      const publicToken = await token(['publicapi:user:read']);
      const [, payload] = publicToken.split('.');
      expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toMatchObject({ aud: 'publicapi', client_id: 'public-api', scope: 'publicapi:user:read' });

      const provisioningToken = await apiToken(emulator, 'provisioning', 'prov-secret');
      const refused = await client(provisioningToken)('GET', '/v1.0/tenants');
      expect(refused.status).toBe(401);
      expect(refused.body.error_code).toBe('ERROR_INVALID_TOKEN');
      expect(refused.body.error_description).toContain('"aud"');
      expect((await apiClient(emulator, publicToken)('GET', '/users?email=anna@forsta.se')).status).toBe(401);
    });

    it('refuses a token that has expired on the emulator clock', async () => {
      await fetch(`${emulator.url}/_mock/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceSeconds: 3601 }) });
      expect((await api('GET', '/v1.0/tenants')).body.error_code).toBe('ERROR_INVALID_TOKEN');
    });

    it('stops a start whose PUBLIC_API_PORT is taken, naming the setting', async () => {
      const port = Number(new URL(emulator.publicApiUrl).port);
      await expect(startTestEmulator({ fixtures, settings: { publicApiPort: port } })).rejects.toThrow(`PUBLIC_API_PORT ${port} on 127.0.0.1 is already in use (set PUBLIC_API_PORT, or 0 for a free one)`);
      expect((await api('GET', '/v1.0/tenants')).status).toBe(200);
    });

    it('answers an unknown operation with 404 ERROR_NOT_FOUND', async () => {
      expect(await api('GET', '/v1.0/widgets')).toMatchObject({ status: 404, body: { error_code: 'ERROR_NOT_FOUND' } });
    });

    const USER = '{user}';
    const OPERATIONS: [string, string, string, unknown?][] = [
      ['POST', '/v1.0/users', 'publicapi:user:create', newUser],
      ['GET', '/v1.0/users?email=anna@forsta.se', 'publicapi:user:read'],
      ['GET', `/v1.0/users/${USER}`, 'publicapi:user:read'],
      ['PUT', `/v1.0/users/${USER}`, 'publicapi:user:update', { first_name: 'Annie' }],
      ['DELETE', `/v1.0/users/${USER}`, 'publicapi:user:delete'],
      ['POST', `/v1.0/users/${USER}/suspend`, 'publicapi:user:suspend'],
      ['POST', `/v1.0/users/${USER}/resume`, 'publicapi:user:resume'],
      ['POST', `/v1.0/users/${USER}/allowemailchange`, 'publicapi:user:allowemailchange'],
      ['GET', '/v1.0/tenants', 'publicapi:tenant:read'],
      ['GET', `/v1.0/tenants/${FIRST}`, 'publicapi:tenant:read'],
      ['POST', '/v1.0/tenants', 'publicapi:tenant:create', { organization_name: 'Nya AB', organization_number: '556000-0000', country_code: 'SE' }],
      ['PUT', `/v1.0/tenants/${FIRST}`, 'publicapi:tenant:update', { city: 'Umeå' }],
      ['DELETE', `/v1.0/tenants/${FIRST}`, 'publicapi:tenant:delete'],
      ['GET', `/v1.0/tenants/applications/hrm/users/${USER}`, 'publicapi:tenant:read'],
      ['GET', `/v1.0/tenants/${FIRST}/users`, 'publicapi:tenant:user:read'],
      ['GET', `/v1.0/tenants/${FIRST}/users/${USER}`, 'publicapi:tenant:user:read'],
      ['POST', `/v1.0/tenants/${FIRST}/users/${USER}`, 'publicapi:tenant:user:create'],
      ['DELETE', `/v1.0/tenants/${FIRST}/users/${USER}`, 'publicapi:tenant:user:delete'],
      ['GET', `/v1.0/tenants/${FIRST}/applications`, 'publicapi:tenant:application:read'],
      ['GET', `/v1.0/tenants/${FIRST}/applications/hrm`, 'publicapi:tenant:application:read'],
      ['POST', `/v1.0/tenants/${FIRST}/applications/time-app`, 'publicapi:tenant:application:create'],
      ['DELETE', `/v1.0/tenants/${FIRST}/applications/hrm`, 'publicapi:tenant:application:delete'],
      ['GET', `/v1.0/tenants/${FIRST}/applications/hrm/users/${USER}/roles`, 'publicapi:tenant:userapplicationroles:read'],
      ['PUT', `/v1.0/tenants/${FIRST}/applications/hrm/users/${USER}/roles`, 'publicapi:tenant:userapplicationroles:update', { roles: ['Payroll'] }],
    ];

    it.each(OPERATIONS)('%s %s needs %s (403 ERROR_INSUFFICIENT_SCOPE without it; allowed with it)', async (method, path, scope, body) => {
      const anna = await userId('anna@forsta.se');
      const url = path.replace(USER, anna);
      const without = await client(await token(ALL_SCOPES.filter((s) => s !== scope)))(method, url, body);
      expect(without.status).toBe(403);
      expect(without.body).toEqual({ error_code: 'ERROR_INSUFFICIENT_SCOPE', error: 'insufficient_scope', error_description: `the access token lacks the scope ${scope}` });
      expect(without.headers.get('www-authenticate')).toContain(`scope="${scope}"`);
      const withIt = await client(await token([scope]))(method, url, body);
      expect(withIt.status).toBeLessThan(300);
    });
  });

  describe('users', () => {
    it('creates a user linked to the calling application (201), who then signs in on the login pages with that password', async () => {
      const created = await api('POST', '/v1.0/users', newUser);
      expect(created.status).toBe(201);
      expect(created.headers.get('location')).toBe(`/v1.0/users/${created.body.id}`);
      expect(created.body).toMatchObject({
        email: 'ny.person@forsta.se',
        email_verified: true,
        name: 'Ny Person',
        first_name: 'Ny',
        last_name: 'Person',
        country_code: 'SE',
        preferred_language: 'sv-SE',
        login_count: 0,
        last_login_date: null,
        '2step_enforced': false,
        suspended: false,
      });
      expect(await signsIn('Ny.Person@forsta.se', 'Vinter2025!q')).toBe(created.body.id);
      expect((await api('GET', `/v1.0/users/${created.body.id}`)).body).toMatchObject({ login_count: 1, last_login_date: expect.any(String) });
    });

    it('mails a user created without a password how to create one', async () => {
      const { email, first_name, last_name } = newUser;
      expect((await api('POST', '/v1.0/users', { email, first_name, last_name })).status).toBe(201);
      const mail = await mailClient(emulator).latestTo(email);
      expect(mail!.subject).toBe('Ditt Visma Connect-konto är klart');
    });

    it('links an existing account to the application (200, profile unchanged), then answers 409 ERROR_USER_LINKED_TO_CLIENT', async () => {
      const linked = await api('POST', '/v1.0/users', { email: 'CECILIA@privat.se', first_name: 'Other', last_name: 'Name' });
      expect(linked.status).toBe(200);
      expect(linked.body).toMatchObject({ email: 'cecilia@privat.se', first_name: 'Cecilia' });
      const again = await api('POST', '/v1.0/users', { email: 'cecilia@privat.se', first_name: 'Other', last_name: 'Name' });
      expect(again).toMatchObject({ status: 409, body: { error_code: 'ERROR_USER_LINKED_TO_CLIENT', error: 'conflict' } });
      expect((await apiClient(emulator, await apiToken(emulator, 'provisioning', 'prov-secret'))('GET', `/users/${linked.body.id}`)).body.applications).toEqual([{ clientId: 'public-api', tenantId: null, linkedAt: expect.any(String) }]);
    });

    it('reads a user by id, and by e-mail address in any case (a list of one, or empty)', async () => {
      const anna = await userId('ANNA@forsta.se');
      expect((await api('GET', `/v1.0/users/${anna}`)).body).toMatchObject({ id: anna, email: 'anna@forsta.se', name: 'Anna Andersson' });
      expect((await api('GET', '/v1.0/users?email=nobody@forsta.se')).body).toEqual([]);
      expect(await api('GET', '/v1.0/users/00000000-0000-4000-8000-000000000000')).toMatchObject({ status: 404, body: { error_code: 'ERROR_USER_NOT_FOUND' } });
      expect(await api('GET', '/v1.0/users')).toMatchObject({ status: 400, body: { error_code: 'ERROR_INVALID_REQUEST' } });
      expect(await api('GET', '/v1.0/users?email=anna@forsta.se&email=x@forsta.se')).toMatchObject({
        status: 400,
        body: { error_code: 'ERROR_INVALID_REQUEST', error_description: 'email must be given once: GET /v1.0/users?email=<address>' },
      });
    });

    it("updates the fields given and keeps the others; the e-mail address is not the API's to change", async () => {
      const anna = await userId('anna@forsta.se');
      const updated = await api('PUT', `/v1.0/users/${anna}`, { first_name: 'Annie', country_code: 'no', '2step_enforced': true });
      expect(updated.body).toMatchObject({ first_name: 'Annie', last_name: 'Andersson', country_code: 'NO', '2step_enforced': true, updated_date: expect.any(String) });
      expect(await api('PUT', `/v1.0/users/${anna}`, { email: 'annie@forsta.se' })).toMatchObject({ status: 400, body: { error_code: 'ERROR_EMAIL_CHANGE_NOT_ALLOWED' } });
      expect((await api('PUT', `/v1.0/users/${anna}`, { email: 'ANNA@forsta.se' })).status).toBe(200);
    });

    it('deletes a user (204): gone from the API, from sign-in and from /api/v1, and the address is free again', async () => {
      const anna = await userId('anna@forsta.se');
      expect((await api('DELETE', `/v1.0/users/${anna}`)).status).toBe(204);
      expect((await api('GET', `/v1.0/users/${anna}`)).status).toBe(404);
      expect((await api('DELETE', `/v1.0/users/${anna}`)).status).toBe(404);
      const { answer } = await signIn('anna@forsta.se', PASSWORD);
      expect(validationMessages(answer)).toEqual(['The email address or password is incorrect.']);
      const provisioning = apiClient(emulator, await apiToken(emulator, 'provisioning', 'prov-secret'));
      expect((await provisioning('GET', '/users?email=anna@forsta.se')).status).toBe(404);
      expect((await provisioning('GET', `/users/${anna}`)).status).toBe(404);
      expect((await api('POST', '/v1.0/users', { ...newUser, email: 'anna@forsta.se' })).status).toBe(201);
    });

    it('suspends a user, who cannot sign in (the page says why), and resumes them', async () => {
      const anna = await userId('anna@forsta.se');
      expect((await api('POST', `/v1.0/users/${anna}/suspend`)).body).toMatchObject({ id: anna, suspended: true });
      const { answer } = await signIn('anna@forsta.se', PASSWORD);
      expect(answer.html).toContain('name="Username"');
      expect(validationMessages(answer)).toEqual(['This account is suspended. Contact your administrator.']);

      expect((await api('POST', `/v1.0/users/${anna}/resume`)).body).toMatchObject({ suspended: false });
      expect(await signsIn('anna@forsta.se', PASSWORD)).toBe(anna);
    });

    it('sends a signed-in user back to sign in once suspended, and refuses their refresh token', async () => {
      const anna = await userId('anna@forsta.se');
      const login = await buildLogin(hrm, { redirectUri: CALLBACK, scope: 'openid profile offline_access' });
      const agent = new UserAgent();
      const answer = await signInThroughPages(agent, login.url, 'anna@forsta.se', PASSWORD, CALLBACK);
      const tokens = await completeLogin(hrm, login, callbackRequest(answer, CALLBACK));
      await api('POST', `/v1.0/users/${anna}/suspend`);

      const again = await buildLogin(hrm, { redirectUri: CALLBACK });
      const page = await agent.follow(await agent.get(again.url.href), CALLBACK);
      expect(page.status).toBe(200);
      expect(readForm(page).fields).toMatchObject({ Username: 'anna@forsta.se' });
      await expect(oidc.refreshTokenGrant(hrm, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    });

    it('sends a signed-in user back to sign in once deleted', async () => {
      const anna = await userId('anna@forsta.se');
      const { agent } = await signIn('anna@forsta.se', PASSWORD);
      await api('DELETE', `/v1.0/users/${anna}`);
      const again = await buildLogin(hrm, { redirectUri: CALLBACK });
      const page = await agent.follow(await agent.get(again.url.href), CALLBACK);
      expect(page.status).toBe(200);
      expect(page.html).toContain('name="Username"');
    });

    it('allows a user to change their e-mail address, and takes it back with email_change_allowed: false', async () => {
      const anna = await userId('anna@forsta.se');
      expect((await api('POST', `/v1.0/users/${anna}/allowemailchange`)).body.email_change_allowed).toBe(true);
      expect((await api('POST', `/v1.0/users/${anna}/allowemailchange`, { email_change_allowed: false })).body.email_change_allowed).toBe(false);
    });

    const invalid: [string, Record<string, unknown>, string][] = [
      ['no e-mail', { email: undefined }, 'ERROR_INVALID_EMAIL'],
      ['a malformed e-mail', { email: 'not-an-address' }, 'ERROR_INVALID_EMAIL'],
      ['an e-mail whose domain is a bare ACE prefix, which no sign-in could find', { email: 'x@xn--.se' }, 'ERROR_INVALID_EMAIL'],
      ['an e-mail whose domain is punycode that decodes to nothing', { email: 'x@xn--zz.se' }, 'ERROR_INVALID_EMAIL'],
      ['an e-mail with a domain label over 63 characters', { email: `x@${'b'.repeat(64)}.se` }, 'ERROR_INVALID_EMAIL'],
      ['an e-mail over 254 characters', { email: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.se` }, 'ERROR_INVALID_EMAIL'],
      ['a too short password', { password: 'Ab1!' }, 'ERROR_PASSWORD_TOO_SHORT'],
      ['a password over 512 characters', { password: `Aa1!${'x'.repeat(509)}` }, 'ERROR_PASSWORD_TOO_LONG'],
      ['a password without a digit', { password: 'Sommarsol!x' }, 'ERROR_PASSWORD_MISSING_DIGIT'],
      ['a password without an upper-case letter', { password: 'sommar2025!x' }, 'ERROR_PASSWORD_MISSING_UPPERCASE_CHARACTER'],
      ['a password without a lower-case letter', { password: 'SOMMAR2025!X' }, 'ERROR_PASSWORD_MISSING_LOWERCASE_CHARACTER'],
      ['a password without a special character', { password: 'Sommar2025x' }, 'ERROR_PASSWORD_MISSING_SPECIAL_CHARACTER'],
      ['a breached password', { password: 'Password123!' }, 'ERROR_INSECURE_PASSWORD'],
      ['an empty first name', { first_name: '  ' }, 'ERROR_INVALID_FIRST_NAME'],
      ['a last name with a control character', { last_name: 'Per\u0007son' }, 'ERROR_INVALID_LAST_NAME'],
      ['a country code that is no code', { country_code: 'SWE' }, 'ERROR_INVALID_COUNTRY_CODE'],
      ['a country code no country has', { country_code: 'XX' }, 'ERROR_COUNTRY_CODE_NOT_EXIST'],
      ['a language that is no language tag', { preferred_language: 'svenska!' }, 'ERROR_INVALID_PREFERRED_LANGUAGE'],
      ['a language tag with a region twice', { preferred_language: 'sv-SE-SE' }, 'ERROR_INVALID_PREFERRED_LANGUAGE'],
      ['a language that does not exist', { preferred_language: 'xx-SE' }, 'ERROR_PREFERRED_LANGUAGE_NOT_EXIST'],
      ['a 2-step state that is no boolean', { '2step_enforced': 'yes' }, 'ERROR_INVALID_2STEP_ENFORCED_STATE'],
      ['a malformed phone number', { unverified_phone_number: 'call me' }, 'ERROR_INVALID_PHONE_NUMBER'],
      ['an unknown field', { firstName: 'Ny' }, 'ERROR_INVALID_REQUEST'],
    ];

    it.each(invalid)('refuses %s with 400 and its error_code, creating nobody', async (_name, change, code) => {
      const answer = await api('POST', '/v1.0/users', { ...newUser, ...change });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ error_code: code, error: 'invalid_request', error_description: expect.any(String) });
      expect((await api('GET', '/v1.0/users?email=ny.person@forsta.se')).body).toEqual([]);
    });

    it('names every rule a password breaks in the description, the first one in the code', async () => {
      const answer = await api('POST', '/v1.0/users', { ...newUser, password: 'abc' });
      expect(answer.body).toEqual({
        error_code: 'ERROR_PASSWORD_TOO_SHORT',
        error: 'invalid_request',
        error_description: 'password: The password must be at least 8 characters long. The password must contain a digit. The password must contain an upper-case letter. The password must contain a special character, such as ! or #.',
      });
    });

    it('reads a body in the charset its Content-Type names, and refuses a compressed one or a charset it cannot read', async () => {
      const post = async (headers: Record<string, string>, body: Buffer) => {
        const answer = await fetch(`${emulator.publicApiUrl}/v1.0/users`, { method: 'POST', headers: { authorization: `Bearer ${await token(ALL_SCOPES)}`, ...headers }, body });
        return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
      };
      const latin1 = await post({ 'content-type': 'application/json; charset=ISO-8859-1' }, Buffer.from(JSON.stringify({ ...newUser, first_name: 'Åsa Örn' }), 'latin1'));
      expect(latin1).toMatchObject({ status: 201, body: { first_name: 'Åsa Örn' } });
      const gzipped = await post({ 'content-type': 'application/json', 'content-encoding': 'gzip' }, gzipSync(JSON.stringify({ ...newUser, email: 'zip@forsta.se' })));
      expect(gzipped).toMatchObject({ status: 415, body: { error_description: 'send the body uncompressed: Content-Encoding gzip is not accepted' } });
      const unknown = await post({ 'content-type': 'application/json; charset=x-klingon' }, Buffer.from(JSON.stringify({ ...newUser, email: 'tlh@forsta.se' })));
      expect(unknown).toMatchObject({ status: 415, body: { error_description: 'send the body in UTF-8: charset x-klingon is not one this server can read' } });
      expect((await api('GET', '/v1.0/users?email=zip@forsta.se')).body).toEqual([]);
    });

    it('refuses a body that is not JSON, or too large, with an error_code', async () => {
      expect(await api('POST', '/v1.0/users', '{"email":')).toMatchObject({ status: 400, body: { error_code: 'ERROR_INVALID_REQUEST' } });
      expect(await api('POST', '/v1.0/users', JSON.stringify({ ...newUser, first_name: 'x'.repeat(70_000) }))).toMatchObject({ status: 413, body: { error_code: 'ERROR_PAYLOAD_TOO_LARGE' } });
    });
  });

  describe('tenants', () => {
    const tenant = { organization_name: 'Nya Bolaget AB', organization_number: '556677-8899', country_code: 'se', external_id: 'crm-42', city: 'Malmö' };

    it('finds a tenant by its GUID in either case, as it was given when made, and a fixture tenant as written', async () => {
      const id = '4D0DCAFE-0000-4000-8000-00000000ABCD';
      expect((await api('POST', '/v1.0/tenants', { ...tenant, id })).body).toMatchObject({ id: id.toLowerCase() });
      for (const spelled of [id, id.toLowerCase()]) expect((await api('GET', `/v1.0/tenants/${spelled}`)).body).toMatchObject({ organization_name: 'Nya Bolaget AB' });
      const upper = 'AB0D2F5E-0000-4000-8000-0000000000EE';
      const added = await fetch(`${emulator.url}/_mock/fixtures`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenants: [{ id: upper, name: 'Versaler AB' }] }) });
      expect(added.status).toBe(200);
      for (const spelled of [upper, upper.toLowerCase()]) expect((await api('GET', `/v1.0/tenants/${spelled}`)).body).toMatchObject({ organization_name: 'Versaler AB' });
      const bound = client(await token(ALL_SCOPES, { tenant_id: upper }));
      expect((await bound('GET', `/v1.0/tenants/${upper.toLowerCase()}`)).body).toMatchObject({ organization_name: 'Versaler AB' });
    });

    it('creates a tenant (201) with the calling application on it, lists, reads and updates it', async () => {
      const created = await api('POST', '/v1.0/tenants', tenant);
      expect(created.status).toBe(201);
      const id = created.body.id;
      expect(created.headers.get('location')).toBe(`/v1.0/tenants/${id}`);
      expect(created.body).toMatchObject({ organization_name: 'Nya Bolaget AB', organization_number: '556677-8899', country_code: 'SE', external_id: 'crm-42', city: 'Malmö', application_id: 'public-api' });
      expect((await api('GET', `/v1.0/tenants/${id}/applications`)).body).toEqual([{ id: 'public-api', name: 'public-api', roles: [] }]);
      expect((await api('GET', '/v1.0/tenants')).body.map((t: { organization_name: string }) => t.organization_name)).toEqual(['Andra AB', 'Första AB', 'Nya Bolaget AB']);
      const updated = await api('PUT', `/v1.0/tenants/${id}`, { city: 'Lund', external_id: 'crm-43' });
      expect(updated.body).toMatchObject({ organization_name: 'Nya Bolaget AB', city: 'Lund', external_id: 'crm-43' });
      expect((await api('GET', `/v1.0/tenants/${id}`)).body).toEqual(updated.body);
      // The old external id is free again.
      expect((await api('POST', '/v1.0/tenants', { ...tenant, external_id: 'crm-42' })).status).toBe(201);
    });

    it('takes a tenant id that is given, once (409 ERROR_TENANT_ID_ALREADY_ADDED), and an external id once (409 ERROR_EXTERNAL_ID_ALREADY_ADDED)', async () => {
      const id = '7f3b5e4c-0d6a-4b8c-9e9f-3a4b5c6d7e8f';
      expect((await api('POST', '/v1.0/tenants', { ...tenant, id })).body.id).toBe(id);
      expect(await api('POST', '/v1.0/tenants', { ...tenant, id, external_id: 'other' })).toMatchObject({ status: 409, body: { error_code: 'ERROR_TENANT_ID_ALREADY_ADDED' } });
      expect(await api('POST', '/v1.0/tenants', tenant)).toMatchObject({ status: 409, body: { error_code: 'ERROR_EXTERNAL_ID_ALREADY_ADDED' } });
      expect(await api('POST', '/v1.0/tenants', { ...tenant, id: FIRST, external_id: 'x' })).toMatchObject({ status: 409, body: { error_code: 'ERROR_TENANT_ID_ALREADY_ADDED' } });
      expect(await api('PUT', `/v1.0/tenants/${FIRST}`, { external_id: 'crm-42' })).toMatchObject({ status: 409, body: { error_code: 'ERROR_EXTERNAL_ID_ALREADY_ADDED' } });
    });

    it.each([
      ['no organization name', { organization_name: undefined }, 'ERROR_INVALID_ORGANIZATION_NAME'],
      ['no organization number', { organization_number: undefined }, 'ERROR_INVALID_ORGANIZATION_NUMBER'],
      ['a malformed organization number', { organization_number: '#!' }, 'ERROR_INVALID_ORGANIZATION_NUMBER'],
      ['no country code', { country_code: undefined }, 'ERROR_INVALID_COUNTRY_CODE'],
      ['a country code no country has', { country_code: 'XX' }, 'ERROR_INVALID_COUNTRY_CODE'],
      ['an empty business unit name', { business_unit_name: '' }, 'ERROR_INVALID_BUSINESS_UNIT_NAME'],
      ['a tenant id that is no GUID', { id: 'my-tenant' }, 'ERROR_INVALID_TENANT_ID'],
    ])('refuses a tenant with %s (400 and its error_code)', async (_name, change, code) => {
      expect(await api('POST', '/v1.0/tenants', { ...tenant, ...change })).toMatchObject({ status: 400, body: { error_code: code } });
    });

    it('deletes a tenant (204): its users stay, without membership, links or roles there', async () => {
      const anna = await userId('anna@forsta.se');
      expect((await api('DELETE', `/v1.0/tenants/${FIRST}`)).status).toBe(204);
      expect(await api('GET', `/v1.0/tenants/${FIRST}`)).toMatchObject({ status: 404, body: { error_code: 'ERROR_TENANT_NOT_FOUND' } });
      expect((await api('GET', '/v1.0/tenants')).body.map((t: { id: string }) => t.id)).toEqual([SECOND]);
      expect((await api('GET', `/v1.0/tenants/applications/hrm/users/${anna}`)).body).toEqual([]);
      expect(await signsIn('anna@forsta.se', PASSWORD)).toBe(anna);
    });
  });

  describe("a tenant's users", () => {
    it('lists the users of a tenant and reads one of them; a user of another tenant is not found there', async () => {
      const list = await api('GET', `/v1.0/tenants/${FIRST}/users`);
      expect(list.body.map((user: { email: string }) => user.email)).toEqual(['anna@forsta.se']);
      const bo = await userId('bo@andra.se');
      expect(await api('GET', `/v1.0/tenants/${FIRST}/users/${bo}`)).toMatchObject({ status: 404, body: { error_code: 'ERROR_USER_NOT_FOUND' } });
    });

    it('adds an existing user to a tenant (201, then 200) and removes them (204)', async () => {
      const cecilia = await userId('cecilia@privat.se');
      expect((await api('POST', `/v1.0/tenants/${FIRST}/users/${cecilia}`)).status).toBe(201);
      expect((await api('POST', `/v1.0/tenants/${FIRST}/users/${cecilia}`)).status).toBe(200);
      expect((await api('GET', `/v1.0/tenants/${FIRST}/users`)).body.map((user: { email: string }) => user.email)).toEqual(['anna@forsta.se', 'cecilia@privat.se']);
      expect((await api('DELETE', `/v1.0/tenants/${FIRST}/users/${cecilia}`)).status).toBe(204);
      expect((await api('DELETE', `/v1.0/tenants/${FIRST}/users/${cecilia}`)).status).toBe(404);
    });

    it("keeps a tenant's allowed domains: a user of another domain is refused with ERROR_DOMAIN_NOT_ALLOWED", async () => {
      const cecilia = await userId('cecilia@privat.se');
      expect(await api('POST', `/v1.0/tenants/${SECOND}/users/${cecilia}`)).toMatchObject({ status: 400, body: { error_code: 'ERROR_DOMAIN_NOT_ALLOWED', error_description: 'Andra AB allows only andra.se, not privat.se' } });
      expect(await api('POST', `/v1.0/tenants/${FIRST}/users/00000000-0000-4000-8000-000000000000`)).toMatchObject({ status: 404, body: { error_code: 'ERROR_USER_NOT_FOUND' } });
    });
  });

  describe('applications on tenants', () => {
    it('lists and reads the applications on a tenant, adds one (201, then 200) and refuses an unknown one (404)', async () => {
      expect((await api('GET', `/v1.0/tenants/${FIRST}/applications`)).body).toEqual([{ id: 'hrm', name: 'Flex HRM', roles: ['Administrator', 'Payroll', 'Employee'] }]);
      expect(await api('GET', `/v1.0/tenants/${FIRST}/applications/time-app`)).toMatchObject({ status: 404, body: { error_code: 'ERROR_APPLICATION_NOT_FOUND' } });
      expect((await api('POST', `/v1.0/tenants/${FIRST}/applications/time-app`)).status).toBe(201);
      expect((await api('POST', `/v1.0/tenants/${FIRST}/applications/time-app`)).status).toBe(200);
      expect((await api('GET', `/v1.0/tenants/${FIRST}/applications/time-app`)).body).toEqual({ id: 'time-app', name: 'time-app', roles: ['Reporter'] });
      expect(await api('POST', `/v1.0/tenants/${FIRST}/applications/no-such-app`)).toMatchObject({ status: 404, body: { error_code: 'ERROR_APPLICATION_NOT_FOUND' } });
    });

    it("answers a user's tenants for an application", async () => {
      const bo = await userId('bo@andra.se');
      await api('POST', `/v1.0/tenants/${FIRST}/users/${bo}`);
      const tenants = await api('GET', `/v1.0/tenants/applications/hrm/users/${bo}`);
      expect(tenants.body.map((t: { id: string }) => t.id).sort()).toEqual([FIRST, SECOND].sort());
      expect((await api('GET', `/v1.0/tenants/applications/time-app/users/${bo}`)).body).toEqual([]);
    });

    it("removes an application from a tenant (204), and with it the users' roles in it there", async () => {
      const anna = await userId('anna@forsta.se');
      expect((await api('DELETE', `/v1.0/tenants/${FIRST}/applications/hrm`)).status).toBe(204);
      expect((await api('GET', `/v1.0/tenants/${FIRST}/applications`)).body).toEqual([]);
      await api('POST', `/v1.0/tenants/${FIRST}/applications/hrm`);
      expect((await api('GET', `/v1.0/tenants/${FIRST}/applications/hrm/users/${anna}/roles`)).body).toEqual({ roles: [] });
    });
  });

  describe('user application roles', () => {
    it('reads the roles from the fixtures and replaces them all with PUT', async () => {
      const anna = await userId('anna@forsta.se');
      const path = `/v1.0/tenants/${FIRST}/applications/hrm/users/${anna}/roles`;
      expect((await api('GET', path)).body).toEqual({ roles: ['Administrator'] });
      expect(await api('PUT', path, { roles: ['Payroll', 'Employee', 'Payroll'] })).toMatchObject({ status: 200, body: { roles: ['Payroll', 'Employee'] } });
      expect((await api('GET', path)).body).toEqual({ roles: ['Payroll', 'Employee'] });
      expect((await api('PUT', path, { roles: [] })).body).toEqual({ roles: [] });
    });

    it('refuses a role the application does not define, an application not on the tenant, and a user outside it', async () => {
      const anna = await userId('anna@forsta.se');
      const bo = await userId('bo@andra.se');
      expect(await api('PUT', `/v1.0/tenants/${FIRST}/applications/hrm/users/${anna}/roles`, { roles: ['Owner'] })).toMatchObject({
        status: 400,
        body: { error_code: 'ERROR_INVALID_ROLE', error_description: 'hrm defines no role "Owner" (its roles: Administrator, Payroll, Employee)' },
      });
      expect(await api('PUT', `/v1.0/tenants/${FIRST}/applications/time-app/users/${anna}/roles`, { roles: ['Reporter'] })).toMatchObject({ status: 404, body: { error_code: 'ERROR_APPLICATION_NOT_FOUND' } });
      expect(await api('PUT', `/v1.0/tenants/${FIRST}/applications/hrm/users/${bo}/roles`, { roles: ['Payroll'] })).toMatchObject({ status: 404, body: { error_code: 'ERROR_USER_NOT_FOUND' } });
      expect(await api('PUT', `/v1.0/tenants/${FIRST}/applications/hrm/users/${anna}/roles`, { roles: 'Payroll' })).toMatchObject({ status: 400, body: { error_code: 'ERROR_INVALID_ROLE' } });
    });
  });

  describe('tenant isolation', () => {
    let bound: (method: string, path: string, body?: unknown) => Promise<Answer>;
    beforeEach(async () => {
      bound = client(await token(ALL_SCOPES, { tenant_id: FIRST }));
    });

    it('shows a token bound to a tenant that tenant only: other tenants and their users are not found', async () => {
      const bo = await userId('bo@andra.se');
      expect((await bound('GET', '/v1.0/tenants')).body.map((t: { id: string }) => t.id)).toEqual([FIRST]);
      expect(await bound('GET', `/v1.0/tenants/${SECOND}`)).toMatchObject({ status: 404, body: { error_code: 'ERROR_TENANT_NOT_FOUND' } });
      expect(await bound('GET', `/v1.0/tenants/${SECOND}/users`)).toMatchObject({ status: 404, body: { error_code: 'ERROR_TENANT_NOT_FOUND' } });
      expect(await bound('GET', `/v1.0/users/${bo}`)).toMatchObject({ status: 404, body: { error_code: 'ERROR_USER_NOT_FOUND' } });
      expect((await bound('GET', '/v1.0/users?email=bo@andra.se')).body).toEqual([]);
      expect((await bound('PUT', `/v1.0/users/${bo}`, { first_name: 'X' })).status).toBe(404);
      expect((await bound('POST', `/v1.0/users/${bo}/suspend`)).status).toBe(404);
      expect((await bound('DELETE', `/v1.0/users/${bo}`)).status).toBe(404);
      expect((await api('GET', `/v1.0/users/${bo}`)).body).toMatchObject({ first_name: 'Bo', suspended: false });
    });

    it('reads a user of another tenant it links, but cannot change, suspend or delete them for that tenant', async () => {
      const bo = await userId('bo@andra.se');
      expect((await bound('POST', `/v1.0/tenants/${FIRST}/users/${bo}`)).status).toBe(201);
      expect((await bound('GET', `/v1.0/users/${bo}`)).body).toMatchObject({ first_name: 'Bo' });
      for (const [method, path, body] of [
        ['PUT', `/v1.0/users/${bo}`, { first_name: 'X' }],
        ['POST', `/v1.0/users/${bo}/suspend`, undefined],
        ['POST', `/v1.0/users/${bo}/allowemailchange`, {}],
        ['DELETE', `/v1.0/users/${bo}`, undefined],
      ] as const) {
        expect(await bound(method, path, body)).toMatchObject({ status: 403, body: { error_code: 'ERROR_TENANT_BOUND_TOKEN' } });
      }
      expect((await api('GET', `/v1.0/users/${bo}`)).body).toMatchObject({ first_name: 'Bo', suspended: false });
      // Nor a user in no other tenant whom an application outside this tenant has linked.
      const cecilia = { email: 'cecilia@privat.se', first_name: 'Cecilia', last_name: 'Carlsson' };
      expect((await api('POST', '/v1.0/users', cecilia)).status).toBe(200);
      const linked = await bound('POST', '/v1.0/users', cecilia);
      expect(linked.status).toBe(200);
      expect(await bound('DELETE', `/v1.0/users/${linked.body.id}`)).toMatchObject({ status: 403, body: { error_code: 'ERROR_TENANT_BOUND_TOKEN' } });
      // Taken out of this tenant again, Bo is still Bo in his own.
      expect((await bound('DELETE', `/v1.0/tenants/${FIRST}/users/${bo}`)).status).toBe(204);
      expect((await api('GET', `/v1.0/users/${bo}`)).body).toMatchObject({ first_name: 'Bo' });
    });

    it('puts a user it creates into its tenant, and refuses to create tenants (403 ERROR_TENANT_BOUND_TOKEN)', async () => {
      const created = await bound('POST', '/v1.0/users', newUser);
      expect(created.status).toBe(201);
      expect((await bound('GET', `/v1.0/tenants/${FIRST}/users`)).body.map((user: { email: string }) => user.email)).toEqual(['anna@forsta.se', 'ny.person@forsta.se']);
      expect(await bound('POST', '/v1.0/tenants', { organization_name: 'X', organization_number: '1', country_code: 'SE' })).toMatchObject({ status: 403, body: { error_code: 'ERROR_TENANT_BOUND_TOKEN' } });
    });
  });
});

describe('the Public API with the demo fixtures (npm start)', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(() => emulator.close());

  it('serves the README example: the hrm-public-api client reads Anna, her roles in Flex HRM, and creates a user', async () => {
    const accessToken = await apiToken(emulator, 'hrm-public-api', 'dev-public-api-secret', {
      scope: 'publicapi:user:read publicapi:user:create publicapi:tenant:userapplicationroles:read',
    });
    const call = (path: string, init: RequestInit = {}) => fetch(`${emulator.publicApiUrl}${path}`, { ...init, headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' } });
    const [anna] = (await (await call('/v1.0/users?email=anna.svensson@foretaget.se')).json()) as { id: string; name: string }[];
    expect(anna).toMatchObject({ name: 'Anna Svensson' });
    const roles = await call(`/v1.0/tenants/1b0d2f5e-7c1a-4c8e-9a51-3f0d2b6c9e10/applications/flex-hrm/users/${anna!.id}/roles`);
    expect(await roles.json()).toEqual({ roles: ['Administrator'] });
    const created = await call('/v1.0/users', { method: 'POST', body: JSON.stringify({ email: 'ny@foretaget.se', first_name: 'Ny', last_name: 'Användare', password: 'Vinter2025!q' }) });
    expect(created.status).toBe(201);
  });
});
