import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { apiClient, apiToken, linkIn, mailClient } from '../support/api-client.js';
import { startTestEmulator } from '../support/emulator.js';
import { readForm, UserAgent } from '../support/user-agent.js';

const OPEN = 'open-tenant';
const STRICT = 'strict-tenant';
const fixtures = {
  tenants: [
    { id: OPEN, name: 'Öppna AB', verifiedDomains: ['oppna.se'] },
    { id: STRICT, name: 'Strikta AB', allowedDomains: ['strikta.se'] },
  ],
  clients: [
    { clientId: 'hrm-api', clientSecret: 'api-secret', grantTypes: ['client_credentials'], scopes: ['connect:users'] },
    { clientId: 'other-api', clientSecret: 'other-secret', grantTypes: ['client_credentials'], scopes: ['email'] },
  ],
  users: [{ email: 'befintlig@privat.se', password: 'Gammal&Pass2025', givenName: 'Bo', familyName: 'Befintlig' }],
};

describe('the provisioning API', () => {
  let emulator: RunningEmulator;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
  });
  afterAll(() => emulator.close());
  beforeEach(async () => {
    await emulator.reset();
    api = apiClient(emulator, await apiToken(emulator, 'hrm-api', 'api-secret'));
  });

  const mailCount = async () => (await mailClient(emulator).messages())!.total;
  const clock = (advanceSeconds: number) => fetch(`${emulator.url}/_mock/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceSeconds }) });

  describe('access', () => {
    it.each(['/api/v1x', '/api/v2/users', '/api'])('answers %s, which is no endpoint, with a JSON 404', async (path) => {
      const answer = await fetch(`${emulator.url}${path}`);
      expect(answer.status).toBe(404);
      expect(await answer.json()).toEqual({ error: 'not_found', error_description: `no such endpoint: GET ${path}; the provisioning API is under /api/v1 (see the README)` });
    });

    it('answers a path under /api/v1 that is no endpoint with a JSON 404, once the token is good', async () => {
      expect(await api('GET', '/no-such-thing')).toEqual({
        status: 404,
        body: { error: 'not_found', error_description: 'no such provisioning API endpoint; see the README' },
      });
    });

    it('answers 401 without a token and with a token it did not issue', async () => {
      const none = await apiClient(emulator, undefined)('GET', '/users?email=a@b.se');
      expect(none).toEqual({ status: 401, body: { error: 'invalid_token', error_description: 'send a bearer access token from client_credentials with scope connect:users' } });
      const forged = await apiClient(emulator, 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln')('GET', '/users?email=a@b.se');
      expect(forged.status).toBe(401);
      expect(forged.body.error).toBe('invalid_token');
    });

    it('answers 403 to a token without the connect:users scope', async () => {
      const response = await fetch(`${emulator.issuer}/connect/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'other-api', client_secret: 'other-secret' }),
      });
      const { access_token } = (await response.json()) as { access_token: string };
      const answer = await apiClient(emulator, access_token)('GET', '/users?email=a@b.se');
      expect(answer).toEqual({ status: 403, body: { error: 'insufficient_scope', error_description: 'the access token lacks the scope connect:users' } });
    });

    it('answers 401 once the token has expired on the emulator clock', async () => {
      await clock(3601);
      expect((await api('GET', '/users?email=a@b.se')).status).toBe(401);
    });
  });

  describe('e-mail verifications', () => {
    it('links an address of a verified domain at once, without a mail (201)', async () => {
      const before = await mailCount();
      const first = await api('POST', '/email-verifications', { email: 'ny@oppna.se', delivery: 'code', tenantId: OPEN });
      expect(first).toEqual({ status: 201, body: { status: 'linked', userId: expect.any(String), created: true } });
      const again = await api('POST', '/email-verifications', { email: 'NY@oppna.se', delivery: 'code', tenantId: OPEN });
      expect(again.body).toEqual({ status: 'linked', userId: first.body.userId, created: false });
      expect(await mailCount()).toBe(before);
    });

    it('takes the tenant from the token when the body names none', async () => {
      const tenantApi = apiClient(emulator, await apiToken(emulator, 'hrm-api', 'api-secret', { tenant_id: OPEN }));
      expect((await tenantApi('POST', '/email-verifications', { email: 'x@oppna.se', delivery: 'code' })).status).toBe(201);
      expect((await tenantApi('POST', '/email-verifications', { email: 'x@oppna.se', delivery: 'code', tenantId: STRICT })).body).toEqual({
        error: 'tenant_mismatch',
        error_description: `the access token is for tenant ${OPEN}, not ${STRICT}`,
      });
    });

    it('refuses an address outside the allowed domains (400 domain_not_allowed)', async () => {
      const refused = await api('POST', '/email-verifications', { email: 'anna@gmail.com', delivery: 'code', tenantId: STRICT });
      expect(refused).toEqual({ status: 400, body: { error: 'domain_not_allowed', error_description: 'Strikta AB allows only strikta.se, not gmail.com' } });
      expect((await api('POST', '/email-verifications', { email: 'anna@strikta.se', delivery: 'code', tenantId: STRICT })).status).toBe(202);
    });

    it('links the existing account when the e-mail is known (created: false)', async () => {
      const started = await api('POST', '/email-verifications', { email: 'Befintlig@Privat.se', delivery: 'code' });
      const code = /\b(\d{6})\b/.exec((await mailClient(emulator).latestTo('befintlig@privat.se'))!.text)![1]!;
      const verified = await api('POST', `/email-verifications/${started.body.id}/verify`, { code });
      expect(verified.body).toMatchObject({ status: 'verified', created: false });
      expect(await api('POST', `/email-verifications/${started.body.id}/verify`, { code })).toEqual(verified);
      const wrong = code === '000000' ? '111111' : '000000';
      expect(await api('POST', `/email-verifications/${started.body.id}/verify`, { code: wrong })).toEqual({
        status: 400,
        body: { error: 'invalid_code', error_description: 'the code is not the one that was sent' },
      });
      const user = await api('GET', `/users/${verified.body.userId}`);
      expect(user.body).toMatchObject({ email: 'befintlig@privat.se', hasPassword: true, givenName: 'Bo' });
    });

    it('refuses a wrong code (400), then after five wrong codes refuses even the right one (429)', async () => {
      const started = await api('POST', '/email-verifications', { email: 'gissa@privat.se', delivery: 'code' });
      const code = /\b(\d{6})\b/.exec((await mailClient(emulator).latestTo('gissa@privat.se'))!.text)![1]!;
      const wrong = code === '000000' ? '111111' : '000000';
      for (let i = 0; i < 5; i += 1) {
        expect(await api('POST', `/email-verifications/${started.body.id}/verify`, { code: wrong })).toEqual({
          status: 400,
          body: { error: 'invalid_code', error_description: 'the code is not the one that was sent' },
        });
      }
      const blocked = await api('POST', `/email-verifications/${started.body.id}/verify`, { code });
      expect(blocked.status).toBe(429);
      expect(blocked.body.error).toBe('too_many_attempts');
    });

    it('expires a code after 30 minutes on the emulator clock (410)', async () => {
      const started = await api('POST', '/email-verifications', { email: 'sen@privat.se', delivery: 'code' });
      const code = /\b(\d{6})\b/.exec((await mailClient(emulator).latestTo('sen@privat.se'))!.text)![1]!;
      await clock(30 * 60 + 1);
      const late = await api('POST', `/email-verifications/${started.body.id}/verify`, { code });
      expect(late.status).toBe(410);
      expect(late.body.error).toBe('expired');
      expect((await api('GET', `/email-verifications/${started.body.id}`)).body.status).toBe('expired');
    });

    it('verifies by link (an admin\'s "Verifiera konto"): the link page confirms the address', async () => {
      const started = await api('POST', '/email-verifications', { email: 'lanken@privat.se', delivery: 'link', locale: 'en-GB' });
      expect(started.status).toBe(202);
      expect(Date.parse(started.body.expiresAt) - Date.now()).toBeGreaterThan(23.9 * 3600 * 1000);
      expect((await api('GET', `/email-verifications/${started.body.id}`)).body.status).toBe('pending');
      const message = (await mailClient(emulator).latestTo('lanken@privat.se'))!;
      expect(message.subject).toBe('Verify your e-mail address');
      const page = await new UserAgent({ acceptLanguage: 'en' }).get(linkIn(message.text, '/verify-email'));
      expect(page.status).toBe(200);
      expect(page.html).toContain('lanken@privat.se is verified and connected to a Visma Connect account.');
      expect((await api('GET', `/email-verifications/${started.body.id}`)).body).toMatchObject({ status: 'verified', created: true });
    });

    it('lets a verification link lapse after 24 hours', async () => {
      const started = await api('POST', '/email-verifications', { email: 'gammal@privat.se', delivery: 'link' });
      const link = linkIn((await mailClient(emulator).latestTo('gammal@privat.se'))!.text, '/verify-email');
      await clock(24 * 3600 + 1);
      const page = await new UserAgent().get(link);
      expect(page.status).toBe(400);
      const freshApi = apiClient(emulator, await apiToken(emulator, 'hrm-api', 'api-secret'));
      expect((await freshApi('GET', `/email-verifications/${started.body.id}`)).body.status).toBe('expired');
    });

    it('offers a new link on the page of an expired one, sends it once, and the new one verifies the address', async () => {
      const started = await api('POST', '/email-verifications', { email: 'sen@privat.se', delivery: 'link', locale: 'en-GB' });
      const expired = linkIn((await mailClient(emulator).latestTo('sen@privat.se'))!.text, '/verify-email');
      await clock(24 * 3600 + 1);
      const browser = new UserAgent({ acceptLanguage: 'en' });
      const page = await browser.get(expired);
      expect(page.html).toContain('The link to verify your e-mail address is no longer valid.');
      const form = readForm(page);
      // Pressed twice (a double click, another tab): one new link is sent.
      const [first, second] = await Promise.all([browser.post(form.action, {}), browser.post(form.action, {})]);
      expect([first.status, second.status].sort()).toEqual([200, 400]);
      expect([first, second].find((answer) => answer.status === 200)!.html).toContain('We have sent a new link to sen@privat.se.');
      expect((await mailClient(emulator).search('sen@privat.se', 'to'))!.total).toBe(2);
      const fresh = linkIn((await mailClient(emulator).latestTo('sen@privat.se'))!.text, '/verify-email');
      expect(fresh).not.toBe(expired);
      expect((await new UserAgent({ acceptLanguage: 'en' }).get(fresh)).html).toContain('sen@privat.se is verified and connected to a Visma Connect account.');
      // The app that started it polls the same verification.
      const freshApi = apiClient(emulator, await apiToken(emulator, 'hrm-api', 'api-secret'));
      expect((await freshApi('GET', `/email-verifications/${started.body.id}`)).body).toMatchObject({ status: 'verified', created: true });
    });

    it('verifies many addresses in one batch, one result per item', async () => {
      const batch = await api('POST', '/email-verifications/batch', {
        items: [
          { email: 'en@oppna.se', delivery: 'code', tenantId: OPEN },
          { email: 'tva@privat.se', delivery: 'code' },
          { email: 'not-an-address', delivery: 'code' },
          { email: 'tre@gmail.com', delivery: 'link', tenantId: STRICT },
        ],
      });
      expect(batch.status).toBe(200);
      expect(batch.body.results).toEqual([
        { email: 'en@oppna.se', httpStatus: 201, status: 'linked', userId: expect.any(String), created: true },
        { email: 'tva@privat.se', httpStatus: 202, id: expect.any(String), status: 'pending', expiresAt: expect.any(String) },
        { email: 'not-an-address', httpStatus: 400, error: 'invalid_email', error_description: '"not-an-address" is not an e-mail address' },
        { email: 'tre@gmail.com', httpStatus: 400, error: 'domain_not_allowed', error_description: 'Strikta AB allows only strikta.se, not gmail.com' },
      ]);
    });
  });

  describe('users', () => {
    it('finds a user by e-mail without regard to case, and by id', async () => {
      const found = await api('GET', '/users?email=BEFINTLIG@privat.se');
      expect(found.body).toMatchObject({ email: 'befintlig@privat.se', givenName: 'Bo', twoFactorEnabled: false });
      expect((await api('GET', `/users/${found.body.userId}`)).body).toEqual(found.body);
    });

    it('mails a password reset and a one-time sign-in link (202)', async () => {
      const { userId } = (await api('GET', '/users?email=befintlig@privat.se')).body;
      expect(await api('POST', `/users/${userId}/password-reset`)).toEqual({ status: 202, body: { status: 'sent' } });
      expect((await mailClient(emulator).latestTo('befintlig@privat.se'))!.subject).toBe('Återställ ditt lösenord');
      expect(await api('POST', `/users/${userId}/one-time-link`)).toEqual({ status: 202, body: { status: 'sent' } });
      expect((await mailClient(emulator).latestTo('befintlig@privat.se'))!.subject).toBe('Din engångslänk för inloggning');
    });

    it('unlinks an application ("Ta bort koppling"), and says so when it is not linked', async () => {
      const { userId } = (await api('POST', '/email-verifications', { email: 'koppla@oppna.se', delivery: 'code', tenantId: OPEN })).body;
      expect((await api('DELETE', `/users/${userId}/applications/hrm-api`)).status).toBe(204);
      expect((await api('GET', `/users/${userId}`)).body.applications).toEqual([]);
      expect(await api('DELETE', `/users/${userId}/applications/hrm-api`)).toEqual({ status: 404, body: { error: 'not_linked', error_description: 'koppla@oppna.se is not linked to hrm-api' } });
    });
  });

  it("lists a tenant's verified and allowed domains", async () => {
    expect((await api('GET', `/tenants/${OPEN}/domains`)).body).toEqual({ tenantId: OPEN, verifiedDomains: ['oppna.se'], allowedDomains: [] });
    expect((await api('GET', `/tenants/${STRICT}/domains`)).body).toEqual({ tenantId: STRICT, verifiedDomains: [], allowedDomains: ['strikta.se'] });
    expect((await api('GET', '/tenants/nope/domains')).status).toBe(404);
  });

  it.each([
    ['a body that is not JSON', 'POST', '/email-verifications', '{"email":', 400, 'invalid_request'],
    ['an array body', 'POST', '/email-verifications', [], 400, 'invalid_request'],
    ['an unknown field', 'POST', '/email-verifications', { email: 'a@b.se', delivery: 'code', mail: 1 }, 400, 'invalid_request'],
    ['a missing e-mail', 'POST', '/email-verifications', { delivery: 'code' }, 400, 'invalid_request'],
    ['a malformed e-mail', 'POST', '/email-verifications', { email: 'a@', delivery: 'code' }, 400, 'invalid_email'],
    ['an e-mail over 254 characters', 'POST', '/email-verifications', { email: `${'a'.repeat(250)}@b.se`, delivery: 'code' }, 400, 'invalid_email'],
    ['a wrong delivery', 'POST', '/email-verifications', { email: 'a@b.se', delivery: 'sms' }, 400, 'invalid_request'],
    ['a bad locale', 'POST', '/email-verifications', { email: 'a@b.se', delivery: 'code', locale: 'svenska' }, 400, 'invalid_request'],
    ['an unknown tenant', 'POST', '/email-verifications', { email: 'a@b.se', delivery: 'code', tenantId: 'nope' }, 404, 'tenant_not_found'],
    ['an empty batch', 'POST', '/email-verifications/batch', { items: [] }, 400, 'invalid_request'],
    ['a batch of 101', 'POST', '/email-verifications/batch', { items: Array.from({ length: 101 }, () => ({})) }, 400, 'invalid_request'],
    ['a malformed code', 'POST', '/email-verifications/x/verify', { code: 12345 }, 400, 'invalid_request'],
    ['an unknown verification', 'POST', '/email-verifications/nope/verify', { code: '123456' }, 404, 'not_found'],
    ['an unknown user', 'GET', '/users/nope', undefined, 404, 'user_not_found'],
    ['a user query without e-mail', 'GET', '/users', undefined, 400, 'invalid_request'],
    ['a user query with two e-mails', 'GET', '/users?email=a@b.se&email=c@d.se', undefined, 400, 'invalid_request'],
    ['an unknown endpoint', 'GET', '/groups', undefined, 404, 'not_found'],
  ])('answers %s with a 4xx and a reason', async (_name, method, path, body, status, error) => {
    const answer = await api(method, path, body);
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ error, error_description: expect.any(String) });
  });

  it('names the reason a user query is refused: no e-mail, or two', async () => {
    expect((await api('GET', '/users')).body.error_description).toBe('email is required: GET /api/v1/users?email=<address>');
    expect((await api('GET', '/users?email=a@b.se&email=c@d.se')).body.error_description).toBe('email must be given once: GET /api/v1/users?email=<address>');
  });
});
