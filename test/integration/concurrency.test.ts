import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiClient, apiToken, linkIn, mailClient, postControl } from '../support/api-client.js';
import { startReplicas, type Replicas } from '../support/replicas.js';
import { readForm, readForms, UserAgent, validationMessages, type Page } from '../support/user-agent.js';

/**
 * Single use and limits hold when the callers come at once, spread over replicas (two emulators on one
 * Redis in the redis project; the one emulator on the memory store).
 */
const CALLBACK = 'http://localhost:3000/signin-oidc';
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const TENANT = 'c0ffee00-0000-4000-8000-000000000001';
const OLLE_TOTP = 'KRUGS4ZANFZSA3LPMNVSAYLDMNXXK3TU';
const fixtures = {
  tenants: [{ id: TENANT, name: 'Samtidigt AB' }],
  domains: [{ name: 'fri.se', twoFactor: 'optional' }],
  clients: [
    { clientId: 'hrm', clientSecret: 'hrm-secret', redirectUris: [CALLBACK] },
    { clientId: 'hrm-api', clientSecret: 'api-secret', grantTypes: ['client_credentials'], scopes: ['connect:users'] },
    {
      clientId: 'public-api',
      clientSecret: 'public-secret',
      grantTypes: ['client_credentials'],
      scopes: ['publicapi:user:create', 'publicapi:user:read', 'publicapi:user:delete', 'publicapi:tenant:create', 'publicapi:tenant:delete', 'publicapi:tenant:user:create', 'publicapi:tenant:user:read'],
    },
  ],
  users: [
    { email: 'lena@example.se', password: 'Start&Pass2025' },
    { email: 'olle@fri.se', password: 'Olle&Pass2025', totpSecret: OLLE_TOTP, emergencyCode: 'AAAA-BBBB-CCCC-DDDD' },
    { email: 'sara@example.se', password: 'Sara&Pass2025', passkeys: [{ name: 'Laptop' }] },
  ],
};

const MESSAGES = {
  wrongPassword: 'The email address or password is incorrect.',
  accountLocked: 'Too many failed sign-in attempts. The account is locked for 30 minutes.',
  codeLocked: 'Too many wrong codes. Two-step verification is locked for 5 minutes.',
};

const count = <T>(items: T[], predicate: (item: T) => boolean) => items.filter(predicate).length;

describe('guarantees under concurrent callers', () => {
  let replicas: Replicas;

  beforeAll(async () => {
    replicas = await startReplicas(fixtures);
  });
  afterAll(() => replicas.close());
  beforeEach(() => replicas.reset());

  const authorizeUrl = (scope = 'openid') =>
    `${replicas.at(0).url}/connect/authorize?${new URLSearchParams({ client_id: 'hrm', response_type: 'code', scope, redirect_uri: CALLBACK, code_challenge: CHALLENGE, code_challenge_method: 'S256' })}`;

  /** A browser at the password page of a new sign-in. */
  async function atPasswordPage(email: string, scope?: string): Promise<{ agent: UserAgent; page: Page }> {
    const agent = new UserAgent();
    const identifier = await agent.follow(await agent.get(authorizeUrl(scope)), CALLBACK);
    return { agent, page: await agent.follow(await agent.post(readForm(identifier).action, { Username: email }), CALLBACK) };
  }

  /** A browser at the 2FA code page, the password given. */
  async function atCodePage(email: string, password: string): Promise<{ agent: UserAgent; page: Page }> {
    const { agent, page } = await atPasswordPage(email);
    const codePage = await agent.follow(await agent.post(readForm(page).action, { Password: password }), CALLBACK);
    expect(codePage.html).toContain('name="AuthCode"');
    return { agent, page: codePage };
  }

  /** The same form posted by every browser at once, the i-th to the i-th replica. */
  const postAllAtOnce = (browsers: { agent: UserAgent; page: Page }[], fields: Record<string, string>) => Promise.all(browsers.map(({ agent, page }, i) => agent.post(replicas.on(i, readForm(page).action), fields)));

  it('exchanges an authorization code once, whichever replica each of ten concurrent requests reaches', async () => {
    const { agent, page } = await atPasswordPage('lena@example.se');
    const answer = await agent.follow(await agent.post(readForm(page).action, { Password: 'Start&Pass2025' }), CALLBACK);
    const code = new URL(answer.location!).searchParams.get('code')!;
    const exchanges = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        fetch(`${replicas.at(i).url}/connect/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, client_id: 'hrm', client_secret: 'hrm-secret', code_verifier: VERIFIER }),
        }).then(async (response) => ({ status: response.status, body: (await response.json()) as { error?: string } })),
      ),
    );
    expect(count(exchanges, (e) => e.status === 200)).toBe(1);
    expect(exchanges.filter((e) => e.status !== 200).map((e) => [e.status, e.body.error])).toEqual(Array(9).fill([400, 'invalid_grant']));
  });

  it('revokes what the winner of a race for one code was issued, as a code used twice must, on every replica', async () => {
    for (let round = 0; round < 5; round += 1) {
      const { agent, page } = await atPasswordPage('lena@example.se', 'openid offline_access');
      const answer = await agent.follow(await agent.post(readForm(page).action, { Password: 'Start&Pass2025' }), CALLBACK);
      const code = new URL(answer.location!).searchParams.get('code')!;
      const exchanges = await Promise.all(
        [0, 1].map((i) =>
          fetch(`${replicas.at(i).url}/connect/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, client_id: 'hrm', client_secret: 'hrm-secret', code_verifier: VERIFIER }),
          }).then(async (response) => ({ status: response.status, body: (await response.json()) as { access_token?: string; refresh_token?: string } })),
        ),
      );
      const winner = exchanges.find((e) => e.status === 200)!.body;
      for (const i of [0, 1]) {
        const userinfo = await fetch(`${replicas.at(i).url}/connect/userinfo`, { headers: { authorization: `Bearer ${winner.access_token}` } });
        expect(userinfo.status).toBe(401);
        const refresh = await fetch(`${replicas.at(i).url}/connect/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: winner.refresh_token!, client_id: 'hrm', client_secret: 'hrm-secret' }),
        });
        expect(((await refresh.json()) as { error: string }).error).toBe('invalid_grant');
      }
    }
  });

  it('checks 8 of 60 concurrent wrong passwords: 7 are wrong, the 8th locks, the rest meet the lock', async () => {
    const { agent, page } = await atPasswordPage('lena@example.se');
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => agent.post(replicas.on(i, readForm(page).action), { Password: 'Wrong&Pass1' })));
    const messages = answers.map((answer) => validationMessages(answer)[0]);
    expect(count(messages, (m) => m === MESSAGES.wrongPassword)).toBe(7);
    expect(count(messages, (m) => m === MESSAGES.accountLocked)).toBe(53);
    const rightPassword = await agent.post(readForm(page).action, { Password: 'Start&Pass2025' });
    expect(validationMessages(rightPassword)).toEqual([MESSAGES.accountLocked]);
  });

  it('accepts one authenticator code once when eight sign-ins send it at the same moment', async () => {
    const browsers = await Promise.all(Array.from({ length: 8 }, () => atCodePage('olle@fri.se', 'Olle&Pass2025')));
    const { code } = (await (await fetch(`${replicas.at(0).url}/_mock/totp?email=olle@fri.se`)).json()) as { code: string };
    const answers = await postAllAtOnce(browsers, { AuthCode: code });
    expect(count(answers, (answer) => answer.status === 303 || answer.status === 302)).toBe(1);
    expect(answers.filter((answer) => answer.status === 200).map((answer) => validationMessages(answer)[0])).toEqual(Array(7).fill(expect.stringMatching(/already been used|locked/)));
  });

  it('accepts the emergency code once when eight sign-ins send it at the same moment', async () => {
    const browsers = await Promise.all(Array.from({ length: 8 }, () => atCodePage('olle@fri.se', 'Olle&Pass2025')));
    const answers = await postAllAtOnce(browsers, { AuthCode: 'AAAA-BBBB-CCCC-DDDD' });
    expect(answers.filter((answer) => answer.location?.endsWith('/emergency-code'))).toHaveLength(1);
    expect(count(answers, (answer) => answer.status === 200 && validationMessages(answer).length === 1)).toBe(7);
  });

  it('accepts the emergency code once on the "Try another way" page when eight sign-ins send it at the same moment', async () => {
    const browsers = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const { agent, page } = await atCodePage('olle@fri.se', 'Olle&Pass2025');
        return { agent, page: await agent.get(page.url.replace(/\/two-factor$/, '/use-emergency-code')) };
      }),
    );
    const answers = await postAllAtOnce(browsers, { AuthCode: 'AAAA-BBBB-CCCC-DDDD' });
    expect(answers.filter((answer) => answer.location?.endsWith('/lost-authenticator'))).toHaveLength(1);
    expect(answers.filter((answer) => answer.status === 200).map((answer) => validationMessages(answer)[0])).toEqual(Array(7).fill(expect.stringMatching(/^The emergency code is not correct\.$|locked/)));
  });

  it('signs in once when one passkey answer is posted to every replica at the same moment', async () => {
    const agent = new UserAgent();
    const identifier = await agent.follow(await agent.get(authorizeUrl()), CALLBACK);
    const form = readForms(identifier).find((candidate) => candidate.action.endsWith('/passkey'))!;
    const options = JSON.parse((await agent.post(`${form.action}/options`, {})).html) as { challenge: string };
    const { response } = (await postControl(replicas.at(1).url, '/webauthn/assertion', { challenge: options.challenge, email: 'sara@example.se' })).body as { response: unknown };
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => agent.post(replicas.on(i, form.action), { ...form.fields, WebAuthnResponse: JSON.stringify(response) })));
    expect(count(answers, (answer) => answer.status === 303)).toBe(1);
    expect(count(answers, (answer) => validationMessages(answer).length === 1)).toBe(5);
  });

  it('checks 5 of 20 concurrent wrong authenticator codes and then locks two-step verification', async () => {
    const browser = await atCodePage('olle@fri.se', 'Olle&Pass2025');
    const answers = await postAllAtOnce(Array(20).fill(browser), { AuthCode: '000000' });
    const messages = answers.map((answer) => validationMessages(answer)[0]);
    expect(count(messages, (m) => m === MESSAGES.codeLocked)).toBe(16);
    expect(count(messages, (m) => m !== MESSAGES.codeLocked)).toBe(4);
  });

  it('changes the password through a reset link once when it is submitted ten times at once', async () => {
    const forgot = new UserAgent();
    await forgot.post(`${replicas.at(0).url}/forgot-password`, { Username: 'lena@example.se', Choice: 'reset' });
    const link = linkIn((await waitForMail('lena@example.se', 1))[0]!, '/reset-password');
    const browsers = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const agent = new UserAgent({ acceptLanguage: 'en-GB' });
        return { agent, page: await agent.get(replicas.on(i, link)) };
      }),
    );
    const answers = await postAllAtOnce(browsers, { Password: 'Ny&Vinter2026', ConfirmPassword: 'Ny&Vinter2026' });
    expect(count(answers, (answer) => answer.html.includes('Your password is changed'))).toBe(1);
    expect(count(answers, (answer) => answer.html.includes('This link does not work any more'))).toBe(9);
  });

  it('changes the password in Account Settings once when six changes made with the same current password are posted at once', async () => {
    const agent = new UserAgent({ acceptLanguage: 'en-GB' });
    const identifier = await agent.follow(await agent.get(`${replicas.at(0).issuer}/account`));
    const password = await agent.follow(await agent.post(readForm(identifier).action, { Username: 'lena@example.se' }));
    const overview = await agent.follow(await agent.post(readForm(password).action, { Password: 'Start&Pass2025' }));
    const form = readForms(overview).find((candidate) => candidate.action.endsWith('/account/password'))!;
    const passwords = ['Ny&Vinter2026a', 'Ny&Vinter2026b', 'Ny&Vinter2026c', 'Ny&Vinter2026d', 'Ny&Vinter2026e', 'Ny&Vinter2026f'];
    const answers = await Promise.all(
      // To each replica under the issuer's host name, where the session cookie and the form token belong.
      passwords.map((next, i) => agent.post(replicas.on(i, form.action).replace('//127.0.0.1:', '//localhost:'), { ...form.fields, CurrentPassword: 'Start&Pass2025', Password: next, ConfirmPassword: next })),
    );
    expect(count(answers, (answer) => answer.html.includes('Your password is changed.'))).toBe(1);
    expect(count(answers, (answer) => validationMessages(answer).includes('The current password is not correct.'))).toBe(5);
    const winner = passwords[answers.findIndex((answer) => answer.html.includes('Your password is changed.'))]!;
    for (const candidate of [winner, 'Start&Pass2025', ...passwords.filter((other) => other !== winner)]) {
      const { agent: signIn, page } = await atPasswordPage('lena@example.se');
      const answer = await signIn.post(readForm(page).action, { Password: candidate });
      expect({ candidate, signedIn: answer.status === 303 }).toEqual({ candidate, signedIn: candidate === winner });
    }
  });

  it('keeps knowing its clients at the token endpoint and at authorize while it resets, on every replica', async () => {
    let resetting = true;
    const answers: string[] = [];
    const callers = Array.from({ length: 8 }, async (_, i) => {
      while (resetting) {
        const token = await fetch(`${replicas.at(i).url}/connect/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('hrm-api:api-secret').toString('base64')}` },
          body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'connect:users' }),
        });
        answers.push(`token ${token.status}${token.status === 200 ? '' : ` ${await token.text()}`}`);
        // The authorization request itself (a reset may end the interaction it starts before the page is asked for).
        const authorize = await new UserAgent().get(replicas.on(i, authorizeUrl()));
        answers.push(`authorize ${authorize.status}${authorize.status === 303 ? '' : ` ${authorize.html.slice(0, 200)}`}`);
      }
    });
    let resets = 0;
    while (answers.length < 80 || resets < 4) {
      await replicas.reset();
      resets += 1;
      await new Promise((resolve) => setTimeout(resolve, 2)); // the callers' answers come in between (a reset on memory never waits for I/O)
    }
    resetting = false;
    await Promise.all(callers);
    expect(answers.filter((answer) => answer !== 'token 200' && answer !== 'authorize 303')).toEqual([]);
  });

  it('deletes a user through the Public API once when six deletes come at once, whichever replica each reaches', async () => {
    const token = await apiToken(replicas.at(0), 'public-api', 'public-secret', { scope: 'publicapi:user:create publicapi:user:read publicapi:user:delete' });
    const publicApi = (i: number, method: string, path: string, body?: unknown) =>
      fetch(`${replicas.at(i).publicApiUrl}/v1.0${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });
    const created = (await (await publicApi(0, 'POST', '/users', { email: 'bort@example.se', first_name: 'Bo', last_name: 'Rt' })).json()) as { id: string };
    const answers = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const answer = await publicApi(i, 'DELETE', `/users/${created.id}`);
        return answer.status === 204 ? '204' : `${answer.status} ${((await answer.json()) as { error_code: string }).error_code}`;
      }),
    );
    expect(answers.sort()).toEqual(['204', '404 ERROR_USER_NOT_FOUND', '404 ERROR_USER_NOT_FOUND', '404 ERROR_USER_NOT_FOUND', '404 ERROR_USER_NOT_FOUND', '404 ERROR_USER_NOT_FOUND']);
    expect(await (await publicApi(1, 'GET', '/users?email=bort@example.se')).json()).toEqual([]);
  });

  it('makes a user anew, rather than answering 404, when the address it links is deleted at the same moment', async () => {
    const token = await apiToken(replicas.at(0), 'public-api', 'public-secret', { scope: 'publicapi:user:create publicapi:user:read publicapi:user:delete' });
    const publicApi = (i: number, method: string, path: string, body?: unknown) =>
      fetch(`${replicas.at(i).publicApiUrl}/v1.0${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });
    const user = { email: 'snart@example.se', first_name: 'Sn', last_name: 'Art' };
    const creates: number[] = [];
    const deletes: number[] = [];
    for (let round = 0; round < 10; round += 1) {
      const { id } = (await (await publicApi(0, 'POST', '/users', user)).json()) as { id: string };
      const answers = await Promise.all(Array.from({ length: 8 }, async (_, i) => (i % 2 === 0 ? (await publicApi(i, 'DELETE', `/users/${id}`)).status : -(await publicApi(i, 'POST', '/users', user)).status)));
      creates.push(...answers.filter((status) => status < 0).map((status) => -status));
      deletes.push(...answers.filter((status) => status > 0));
      const left = (await (await publicApi(1, 'GET', '/users?email=snart@example.se')).json()) as { id: string }[];
      expect(left.length).toBeLessThanOrEqual(1);
      for (const { id: other } of left) await publicApi(0, 'DELETE', `/users/${other}`);
    }
    // 201 made, 200 linked, 409 already linked to this client: never 404 for a user the create did not name.
    expect(creates.filter((status) => ![200, 201, 409].includes(status))).toEqual([]);
    expect(deletes.filter((status) => status !== 204 && status !== 404)).toEqual([]);
  });

  it('leaves no user in a tenant deleted while users are being added to it, whichever replica each add reaches', async () => {
    const token = await apiToken(replicas.at(0), 'public-api', 'public-secret', {
      scope: 'publicapi:user:create publicapi:tenant:create publicapi:tenant:delete publicapi:tenant:user:create publicapi:tenant:user:read',
    });
    const publicApi = async (i: number, method: string, path: string, body?: unknown) => {
      const answer = await fetch(`${replicas.at(i).publicApiUrl}/v1.0${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });
      return { status: answer.status, body: (await answer.json().catch(() => undefined)) as { id: string } | { id: string }[] | undefined };
    };
    const ids: string[] = [];
    for (let i = 0; i < 12; i += 1) ids.push(((await publicApi(0, 'POST', '/users', { email: `medlem${i}@example.se`, first_name: 'M', last_name: `${i}` })).body as { id: string }).id);
    const tenant = { id: 'c0ffee00-0000-4000-8000-0000000000aa', organization_name: 'Flyktig AB', organization_number: '556000-0000', country_code: 'SE' };
    for (let round = 0; round < 4; round += 1) {
      expect((await publicApi(0, 'POST', '/tenants', tenant)).status).toBe(201);
      const adds = ids.map(async (id, i) => {
        await new Promise((resolve) => setTimeout(resolve, i));
        return (await publicApi(i, 'POST', `/tenants/${tenant.id}/users/${id}`)).status;
      });
      const removal = new Promise((resolve) => setTimeout(resolve, 6)).then(async () => (await publicApi(1, 'DELETE', `/tenants/${tenant.id}`)).status);
      const statuses = await Promise.all([...adds, removal]);
      expect(statuses.filter((status) => ![201, 204, 404].includes(status))).toEqual([]);
      // A tenant made again with that id starts without members.
      expect((await publicApi(0, 'POST', '/tenants', tenant)).status).toBe(201);
      expect((await publicApi(1, 'GET', `/tenants/${tenant.id}/users`)).body).toEqual([]);
      expect((await publicApi(0, 'DELETE', `/tenants/${tenant.id}`)).status).toBe(204);
    }
  });

  it('leaves no user in a tenant deleted while a token bound to it creates and links users, and no account a failed create made, whichever replica each reaches', async () => {
    const admin = await apiToken(replicas.at(0), 'public-api', 'public-secret', {
      scope: 'publicapi:user:create publicapi:user:read publicapi:user:delete publicapi:tenant:create publicapi:tenant:delete publicapi:tenant:user:read',
    });
    const publicApi = async (token: string, i: number, method: string, path: string, body?: unknown) => {
      const answer = await fetch(`${replicas.at(i).publicApiUrl}/v1.0${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });
      return { status: answer.status, body: (await answer.json().catch(() => undefined)) as { id: string }[] | undefined };
    };
    const tenant = { id: 'c0ffee00-0000-4000-8000-0000000000bb', organization_name: 'Kortlivad AB', organization_number: '556000-0001', country_code: 'SE' };
    // Six addresses with an account already (a create links it) and six without (a create makes one).
    const existing = Array.from({ length: 6 }, (_, i) => `finns${i}@example.se`);
    const made = Array.from({ length: 6 }, (_, i) => `ny${i}@example.se`);
    for (const email of existing) expect((await publicApi(admin, 0, 'POST', '/users', { email, first_name: 'F', last_name: 'Inns' })).status).toBe(201);
    for (let round = 0; round < 4; round += 1) {
      expect((await publicApi(admin, 0, 'POST', '/tenants', tenant)).status).toBe(201);
      const bound = await apiToken(replicas.at(1), 'public-api', 'public-secret', { scope: 'publicapi:user:create', tenant_id: tenant.id });
      const creates = [...existing, ...made].map(async (email, i) => {
        await new Promise((resolve) => setTimeout(resolve, i));
        return (await publicApi(bound, i, 'POST', '/users', { email, first_name: 'R', last_name: `${round}` })).status;
      });
      const removal = new Promise((resolve) => setTimeout(resolve, 6)).then(async () => (await publicApi(admin, 1, 'DELETE', `/tenants/${tenant.id}`)).status);
      const statuses = await Promise.all([...creates, removal]);
      // 201 made, 200 linked, 204 deleted, 404 the tenant gone first (or meanwhile).
      expect(statuses.filter((status) => ![200, 201, 204, 404].includes(status))).toEqual([]);
      // A tenant made again with that id starts without members.
      expect((await publicApi(admin, 0, 'POST', '/tenants', tenant)).status).toBe(201);
      expect((await publicApi(admin, 1, 'GET', `/tenants/${tenant.id}/users`)).body).toEqual([]);
      expect((await publicApi(admin, 0, 'DELETE', `/tenants/${tenant.id}`)).status).toBe(204);
      // A create that failed made no account; one that answered 201 did (removed for the next round).
      for (const [i, email] of made.entries()) {
        const found = (await publicApi(admin, i, 'GET', `/users?email=${email}`)).body ?? [];
        expect(found.length, `${email}: ${statuses[existing.length + i]}`).toBe(statuses[existing.length + i] === 201 ? 1 : 0);
        for (const { id } of found) expect((await publicApi(admin, 0, 'DELETE', `/users/${id}`)).status).toBe(204);
      }
    }
  });

  it('sends one new link when the button under an expired verification link is pressed on every replica at once', async () => {
    const api = apiClient(replicas.at(0), await apiToken(replicas.at(0), 'hrm-api', 'api-secret', { tenant_id: TENANT }));
    expect((await api('POST', '/email-verifications', { email: 'sent@annan.se', delivery: 'link', locale: 'en-GB' })).status).toBe(202);
    const expired = new URL(linkIn((await waitForMail('sent@annan.se', 1))[0]!, '/verify-email'));
    expect((await postControl(replicas.at(0).url, '/clock', { advanceSeconds: 24 * 3600 + 1 })).status).toBe(200);
    const pages = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const browser = new UserAgent({ acceptLanguage: 'en' });
        return { browser, page: await browser.get(`${replicas.at(i).url}${expired.pathname}${expired.search}`) };
      }),
    );
    const presses = await Promise.all(pages.map(({ browser, page }) => browser.post(readForm(page).action, {})));
    expect(presses.map((answer) => answer.status).sort()).toEqual([200, 400, 400, 400, 400, 400]);
    expect(presses.find((answer) => answer.status === 200)!.html).toContain('We have sent a new link to sent@annan.se.');
    await waitForMail('sent@annan.se', 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await waitForMail('sent@annan.se', 1)).toHaveLength(2);
  });

  it('checks 5 of 30 concurrent wrong verification codes and answers 429 to the rest', async () => {
    const api = apiClient(replicas.at(0), await apiToken(replicas.at(0), 'hrm-api', 'api-secret', { tenant_id: TENANT }));
    const started = await api('POST', '/email-verifications', { email: 'ny@annan.se', delivery: 'code' });
    expect(started.status).toBe(202);
    const token = await apiToken(replicas.at(0), 'hrm-api', 'api-secret', { tenant_id: TENANT });
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => apiClient(replicas.at(i), token)('POST', `/email-verifications/${started.body.id}/verify`, { code: '000000' })));
    expect(count(answers, (answer) => answer.status === 400 && answer.body.error === 'invalid_code')).toBe(5);
    expect(count(answers, (answer) => answer.status === 429 && answer.body.error === 'too_many_attempts')).toBe(25);
  });

  it('creates one account when two verifications of one new address are confirmed at the same moment', async () => {
    const token = await apiToken(replicas.at(0), 'hrm-api', 'api-secret', { tenant_id: TENANT });
    const api = apiClient(replicas.at(0), token);
    const first = await api('POST', '/email-verifications', { email: 'tvilling@annan.se', delivery: 'code' });
    const second = await api('POST', '/email-verifications', { email: 'tvilling@annan.se', delivery: 'code' });
    const codes = (await waitForMail('tvilling@annan.se', 2)).map((text) => /\b(\d{6})\b/.exec(text)![1]!);
    // Newest mail first: the second verification's code, then the first's.
    const answers = await Promise.all([
      apiClient(replicas.at(0), token)('POST', `/email-verifications/${first.body.id}/verify`, { code: codes[1] }),
      apiClient(replicas.at(1), token)('POST', `/email-verifications/${second.body.id}/verify`, { code: codes[0] }),
      apiClient(replicas.at(1), token)('POST', `/email-verifications/${first.body.id}/verify`, { code: codes[1] }),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(new Set(answers.map((answer) => answer.body.userId)).size).toBe(1);
    const user = await api('GET', `/users/${answers[0].body.userId}`);
    expect(user.body).toMatchObject({ email: 'tvilling@annan.se', applications: [{ clientId: 'hrm-api', tenantId: TENANT }] });
    const welcomeMails = (await waitForMail('tvilling@annan.se', 3)).filter((text) => !/\b\d{6}\b/.test(text));
    expect(welcomeMails).toHaveLength(1);
  });

  it('adds up clock moves made at the same moment on different replicas', async () => {
    const moves = await Promise.all(Array.from({ length: 10 }, (_, i) => fetch(`${replicas.at(i).url}/_mock/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceSeconds: 60 }) })));
    expect(moves.map((move) => move.status)).toEqual(Array(10).fill(200));
    const reading = (await (await fetch(`${replicas.at(1).url}/_mock/clock`)).json()) as { offsetSeconds: number };
    expect(reading.offsetSeconds).toBe(600);
  });

  it('fails exactly the number of requests a fault names when they come at once', async () => {
    const queued = await fetch(`${replicas.at(0).url}/_mock/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ endpoint: 'discovery', count: 5, status: 503 }) });
    expect(queued.status).toBe(201);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => fetch(`${replicas.at(i).url}/.well-known/openid-configuration`).then((response) => response.status)));
    expect(count(answers, (status) => status === 503)).toBe(5);
    expect(count(answers, (status) => status === 200)).toBe(15);
  });

  /** The texts of the mails to `to`, newest first, once at least `atLeast` have arrived. */
  async function waitForMail(to: string, atLeast: number): Promise<string[]> {
    const mail = mailClient(replicas.at(0));
    for (let tries = 0; tries < 100; tries += 1) {
      const found = (await mail.messages())!.items.filter((message) => message.to.includes(to));
      if (found.length >= atLeast) return found.map((message) => message.text);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`fewer than ${atLeast} mails to ${to} arrived`);
  }
});
