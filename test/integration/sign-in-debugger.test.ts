import { createGuardrails, generate } from 'otplib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { rawRequest } from '../support/raw-request.js';
import { textOf } from '../../provider/testing/web/index.js';
import { readForm, UserAgent, validationMessages, type Page } from '../support/user-agent.js';

const ANNA = 'anna@strikt.se';
const MAJA = 'maja@fri.se';
const PASSWORD = 'Sommar2025!x';
const app = (clientId: string, twoFactor: string) => ({
  clientId,
  clientSecret: 'secret',
  redirectUris: [`http://localhost:4000/${clientId}`],
  grantTypes: ['authorization_code', 'refresh_token'],
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  twoFactor,
  includeCoreIdentityClaims: true,
});
const fixtures = {
  domains: [
    { name: 'strikt.se', twoFactor: 'required' },
    { name: 'fri.se', twoFactor: 'optional' },
  ],
  clients: [
    app('hrm', 'default'),
    app('bypass-app', 'bypass'),
    app('required-app', 'required'),
    app('adaptive-app', 'adaptive'),
    { clientId: 'spa', redirectUris: ['http://localhost:4000/spa'], scopes: ['openid', 'profile'] },
    { clientId: 'api', clientSecret: 'secret', grantTypes: ['client_credentials'], scopes: ['connect:users'] },
  ],
  users: [
    { email: ANNA, password: PASSWORD, givenName: 'Anna', familyName: 'Svensson', totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' },
    { email: MAJA, password: PASSWORD, givenName: 'Maja' },
  ],
};

/** A claim's row on the result page: its value and meaning as shown. */
function claimRow(page: Page, table: string, claim: string): { value: string; meaning: string } | undefined {
  const section = page.html.slice(page.html.indexOf(`id="${table}"`));
  const row = new RegExp(`<tr data-claim="${claim}"><th scope="row"><code>[^<]*</code></th><td><code>([^<]*)</code></td><td>([^<]*)</td>`).exec(section.slice(0, section.indexOf('</table>')));
  return row ? { value: row[1]!.replaceAll('&#34;', '"'), meaning: row[2]!.replaceAll('&#34;', '"') } : undefined;
}

describe('the sign-in debugger', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  const debuggerStart = (fields: Record<string, string>) => `${emulator.url}/_mock/debugger/start?${new URLSearchParams(fields)}`;
  const totpOf = async (email: string) => ((await (await fetch(`${emulator.url}/_mock/totp?email=${email}`)).json()) as { code: string }).code;
  const control = (method: string, path: string, body?: object) => fetch(`${emulator.url}/_mock${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body && { body: JSON.stringify(body) }) });

  /** Starts from the debugger and goes through the login pages as the user: password, then the code when asked. */
  async function signIn(agent: UserAgent, fields: Record<string, string>, password = PASSWORD): Promise<Page> {
    let page = await agent.follow(await agent.get(debuggerStart(fields)));
    if (page.html.includes('name="Username"')) page = await agent.follow(await agent.submit(page, { Username: fields['login_hint']! }));
    if (page.html.includes('name="Password"')) page = await agent.follow(await agent.submit(page, { Password: password }));
    if (page.html.includes('name="AuthCode"')) page = await agent.follow(await agent.submit(page, { AuthCode: await totpOf(fields['login_hint']!) }));
    // response_mode=form_post: the emulator's page posts the answer (a browser does it by script).
    if (page.html.includes('/_mock/debugger/callback')) page = await agent.follow(await agent.submit(page));
    return page;
  }

  it('offers the clients that sign users in and the users, behind the control plane guard', async () => {
    const page = await new UserAgent().get(`${emulator.url}/_mock/debugger`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toContain('no-store');
    expect(page.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
    for (const id of ['mvc-sign-in-debugger', 'hrm', 'bypass-app', 'spa']) expect(page.html).toContain(`<option value="${id}">`);
    expect(page.html).not.toContain('<option value="api">');
    expect(page.html).toContain(`<option value="${ANNA}">`);

    const rebound = await rawRequest(emulator.url, 'GET', '/_mock/debugger/start?client=hrm', { headers: { host: `attacker.example:${emulator.port}` } });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.text).error).toBe('host_not_allowed');
  });

  it('signs in as the picked client through the pages and explains its tokens, its userinfo and the 2FA decision of that sign-in', async () => {
    const agent = new UserAgent();
    const page = await signIn(agent, { client: 'hrm', login_hint: ANNA, scope: 'openid profile offline_access' });

    expect(page.url).toBe(`${emulator.issuer}/_mock/debugger/result`);
    expect(textOf(page, 'summary')).toBe(`${ANNA} signed in with two factors: acr "3", amr ["pwd","otp","mfa"].`);
    expect(textOf(page, 'id-token-verification')).toContain('check out');
    expect(claimRow(page, 'id-token-claims', 'aud')?.value).toBe('"hrm"');
    expect(claimRow(page, 'id-token-claims', 'acr')).toMatchObject({ value: '"3"', meaning: expect.stringContaining('two factors') });
    expect(claimRow(page, 'id-token-claims', 'amr')).toMatchObject({ value: '["pwd","otp","mfa"]', meaning: expect.stringContaining('otp = a one-time code') });
    expect(claimRow(page, 'id-token-claims', 'nonce')?.meaning).toContain('returned unchanged');
    expect(claimRow(page, 'id-token-claims', 'email')?.meaning).toContain('includeCoreIdentityClaims');
    expect(claimRow(page, 'access-token-claims', 'client_id')?.value).toBe('"hrm"');
    expect(claimRow(page, 'userinfo-claims', 'email')?.value).toBe(`"${ANNA}"`);
    expect(page.html).toContain('id="refresh-token"');

    expect(page.html).toMatch(/id="decision-0"[\s\S]*data-outcome="challenge"[\s\S]*class="rule">required</);
    expect(page.html).toMatch(/class="matched"><th scope="row">required<\/th><td>yes/);

    const [decision] = ((await (await control('GET', '/decisions')).json()) as { decisions: { signIn: Record<string, string> }[] }).decisions;
    const nonce = JSON.parse(claimRow(page, 'id-token-claims', 'nonce')!.value) as string;
    expect(decision!.signIn).toEqual({ interaction: expect.any(String), state: expect.any(String), nonce });
  });

  it("refreshes with the client's refresh token and shows the new tokens", async () => {
    const agent = new UserAgent();
    const signedIn = await signIn(agent, { client: 'hrm', login_hint: MAJA, scope: 'openid offline_access' });
    const firstJti = claimRow(signedIn, 'access-token-claims', 'jti')?.value;

    const refreshed = await agent.follow(await agent.submit(signedIn, {}, { action: '/_mock/debugger/refresh' }));
    expect(textOf(refreshed, 'debugger-notice')).toBe('Refreshed (1): new tokens from the refresh_token grant.');
    expect(textOf(refreshed, 'refresh-count')).toBe('1');
    expect(claimRow(refreshed, 'access-token-claims', 'jti')?.value).not.toBe(firstJti);
    expect(claimRow(refreshed, 'id-token-claims', 'acr')?.value).toBe('"2"');
  });

  it('lets a HEAD of the callback (a prefetcher) leave the code for the browser to redeem', async () => {
    const agent = new UserAgent();
    const callbackUrl = `${emulator.issuer}/_mock/debugger/callback`;
    let page = await agent.follow(await agent.get(debuggerStart({ client: 'bypass-app', login_hint: ANNA, response_mode: 'query' })));
    page = await agent.follow(await agent.submit(page, { Username: ANNA }));
    page = await agent.follow(await agent.submit(page, { Password: PASSWORD }), callbackUrl);
    expect(page.location).toMatch(/^http:\/\/[^/]+\/_mock\/debugger\/callback\?code=/);

    expect((await agent.head(page.location!)).status).toBe(204);
    const result = await agent.follow(await agent.get(page.location!));
    expect(result.url).toBe(`${emulator.issuer}/_mock/debugger/result`);
    expect(textOf(result, 'summary')).toMatch(/signed in with one factor: acr "2", amr \["pwd"\]\.$/);
  });

  it('steps up with acr_values that ask for 2FA: the same session gives the code and comes back with acr 3', async () => {
    const agent = new UserAgent();
    const signedIn = await signIn(agent, { client: 'bypass-app', login_hint: ANNA });
    expect(claimRow(signedIn, 'id-token-claims', 'acr')?.value).toBe('"2"');
    expect(signedIn.html).toMatch(/data-outcome="none"[\s\S]*class="rule">bypass</);

    const codePage = await agent.follow(await agent.submit(signedIn, {}, { action: '/_mock/debugger/step-up' }));
    expect(codePage.html).toContain('name="AuthCode"');
    const steppedUp = await agent.follow(await agent.submit(codePage, { AuthCode: await totpOf(ANNA) }));
    expect(claimRow(steppedUp, 'id-token-claims', 'acr')?.value).toBe('"3"');
    expect(steppedUp.html).toMatch(/data-outcome="challenge"[\s\S]*class="rule">step-up</);
  });

  it('signs out through end session and comes back to the debugger', async () => {
    const agent = new UserAgent();
    const signedIn = await signIn(agent, { client: 'hrm', login_hint: MAJA });
    const confirm = await agent.follow(await agent.submit(signedIn, {}, { action: '/_mock/debugger/sign-out' }));
    const back = await agent.follow(await agent.submit(confirm, { logout: 'yes' }));
    expect(textOf(back, 'debugger-notice')).toContain('Signed out');
    const again = await agent.follow(await agent.get(debuggerStart({ client: 'hrm', login_hint: MAJA })));
    expect(again.html).toContain('name="Username"');
  });

  it('takes the response as form_post, and as a fragment forwarded by the page', async () => {
    const posted = await signIn(new UserAgent(), { client: 'hrm', login_hint: MAJA, response_mode: 'form_post' });
    expect(claimRow(posted, 'id-token-claims', 'sub')).toBeDefined();

    const agent = new UserAgent();
    let page = await agent.follow(await agent.get(debuggerStart({ client: 'spa', login_hint: MAJA, response_mode: 'fragment' })));
    page = await agent.follow(await agent.submit(page, { Username: MAJA }));
    const redirect = await agent.submit(page, { Password: PASSWORD });
    const callback = await agent.follow(redirect, (next) => next.pathname === '/_mock/debugger/callback');
    const fragment = new URL(callback.location!);
    expect(fragment.hash).toContain('code=');
    expect((await agent.get(`${fragment.origin}${fragment.pathname}`)).html).toContain('<script src="/assets/debugger-fragment.js">');
    const result = await agent.follow(await agent.get(`${fragment.origin}${fragment.pathname}?${fragment.hash.slice(1)}`));
    expect(claimRow(result, 'id-token-claims', 'aud')?.value).toBe('"spa"');
  });

  it("shows the seed's three priority rows: bypass wins over a required domain, a required app over an optional domain, a required domain over an adaptive app", async () => {
    const bypassed = await signIn(new UserAgent(), { client: 'bypass-app', login_hint: ANNA, scope: 'openid email' });
    expect(textOf(bypassed, 'summary')).toBe(`${ANNA} signed in with one factor: acr "2", amr ["pwd"].`);
    expect(bypassed.html).toMatch(/data-outcome="none"[\s\S]*class="rule">bypass</);

    const agent = new UserAgent();
    let page = await agent.follow(await agent.get(debuggerStart({ client: 'required-app', login_hint: MAJA, scope: 'openid email' })));
    page = await agent.follow(await agent.submit(page, { Username: MAJA }));
    const wizard = await agent.follow(await agent.submit(page, { Password: PASSWORD }));
    expect(wizard.html).toContain('id="totp-secret"');
    expect(wizard.html).not.toContain('Remind me later');
    const secret = textOf(wizard, 'totp-secret')!.replace(/\s/g, '');
    const code = await generate({ secret, epoch: Math.floor(Date.now() / 1000), guardrails: createGuardrails({ MIN_SECRET_BYTES: 10 }) });
    const emergencyCode = await agent.follow(await agent.submit(wizard, { AuthCode: code }));
    const required = await agent.follow(await agent.submit(emergencyCode));
    expect(textOf(required, 'summary')).toBe(`${MAJA} signed in with two factors: acr "3", amr ["pwd","otp","mfa"].`);
    expect(required.html).toMatch(/data-outcome="enroll"[\s\S]*class="rule">required</);

    await control('PUT', '/risk', { trustedNetwork: true });
    const adaptive = await signIn(new UserAgent(), { client: 'adaptive-app', login_hint: ANNA, scope: 'openid email' });
    expect(textOf(adaptive, 'summary')).toBe(`${ANNA} signed in with two factors: acr "3", amr ["pwd","otp","mfa"].`);
    expect(adaptive.html).toMatch(/data-outcome="challenge"[\s\S]*class="rule">required</);
  });

  describe('says what is wrong, never a 500', () => {
    it.each([
      [{ client: 'nobody' }, 'No client has the id "nobody". Pick one of the list.'],
      [{ client: 'api' }, 'api signs in no users (grant types client_credentials): pick a client with authorization_code.'],
      [{ client: 'hrm', max_age: 'soon' }, 'max_age is a whole number of seconds, 0 or more (at most 9 digits), or empty.'],
      [{ client: 'hrm', max_age: '-1' }, 'max_age is a whole number of seconds, 0 or more (at most 9 digits), or empty.'],
      [{ client: 'hrm', prompt: 'sometimes' }, 'prompt is empty or one of none, select_account, login, consent.'],
      [{ client: 'hrm', response_mode: 'web_message' }, 'The response mode is one of query, form_post, fragment.'],
      [{ client: 'hrm', ui_locales: 'sv SE!' }, 'ui_locales are language tags separated by spaces, like "sv-SE en".'],
      [{ client: '' }, 'Pick a client.'],
    ])('re-renders the form with a message for %o', async (fields, message) => {
      const page = await new UserAgent().follow(await new UserAgent().get(debuggerStart(fields)), emulator.issuer);
      const answer = page.location ? await new UserAgent().get(page.location) : page;
      expect(answer.status).toBe(400);
      expect(validationMessages(answer)).toEqual([message]);
      expect(readForm(answer).action).toBe(`${new URL(answer.url).origin}/_mock/debugger/start`);
    });

    it('refuses a response whose state is not the one this sign-in sent', async () => {
      const agent = new UserAgent();
      await agent.follow(await agent.get(debuggerStart({ client: 'hrm' })), (next) => next.pathname.startsWith('/interaction/'));
      const forged = await agent.get(`${emulator.issuer}/_mock/debugger/callback?code=abc&state=forged`);
      expect(forged.status).toBe(400);
      expect(textOf(forged, 'problem-heading')).toBe('State mismatch');
    });

    it('redeems nothing for a browser that started no sign-in', async () => {
      const page = await new UserAgent().get(`${emulator.issuer}/_mock/debugger/callback?code=abc&state=abc`);
      expect(page.status).toBe(400);
      expect(textOf(page, 'problem-heading')).toBe('No sign-in to continue');
      expect((await new UserAgent().post(`${emulator.issuer}/_mock/debugger/refresh`, {})).status).toBe(400);
    });

    it('shows login_required when prompt=none finds no session', async () => {
      const page = await new UserAgent().follow(await new UserAgent().get(debuggerStart({ client: 'hrm', prompt: 'none' })));
      const agent = new UserAgent();
      const answer = await agent.follow(await agent.get(debuggerStart({ client: 'hrm', prompt: 'none' })));
      expect(page.status).toBeLessThan(500);
      expect(answer.status).toBe(200);
      expect(textOf(answer, 'failure-error')).toBe('login_required');
      expect(textOf(answer, 'failure-meaning')).toContain('prompt=none');
    });

    it('shows access_denied and a refused code exchange from injected faults', async () => {
      await control('POST', '/faults', { endpoint: 'authorize', error: 'access_denied', errorDescription: 'the user said no' });
      const agent = new UserAgent();
      const denied = await agent.follow(await agent.get(debuggerStart({ client: 'hrm', login_hint: MAJA })));
      expect([textOf(denied, 'failure-error'), textOf(denied, 'failure-description')]).toEqual(['access_denied', 'the user said no']);

      await control('POST', '/faults', { endpoint: 'token', status: 503, error: 'temporarily_unavailable' });
      const refused = await signIn(new UserAgent(), { client: 'hrm', login_hint: MAJA });
      expect(textOf(refused, 'failure-error')).toBe('temporarily_unavailable');
      expect(textOf(refused, 'failure-meaning')).toBe('The token endpoint refused to redeem the code.');
    });

    it('keeps sign-ins in two browsers apart, each with its own tokens and decision', async () => {
      const [anna, maja] = await Promise.all([signIn(new UserAgent(), { client: 'hrm', login_hint: ANNA, scope: 'openid email' }), signIn(new UserAgent(), { client: 'hrm', login_hint: MAJA, scope: 'openid email' })]);
      expect(claimRow(anna, 'userinfo-claims', 'email')?.value).toBe(`"${ANNA}"`);
      expect(claimRow(maja, 'userinfo-claims', 'email')?.value).toBe(`"${MAJA}"`);
      expect(anna.html).toMatch(/data-outcome="challenge"[\s\S]*class="rule">required</);
      expect(maja.html).toMatch(/data-outcome="none"[\s\S]*class="rule">default</);
      expect(maja.html).not.toContain('id="decision-1"');
    });

    it("refuses the buttons' posts from another site", async () => {
      const agent = new UserAgent();
      await signIn(agent, { client: 'hrm', login_hint: MAJA });
      const crossSite = await agent.post(`${emulator.issuer}/_mock/debugger/refresh`, {}, { origin: 'http://localhost:9999', 'sec-fetch-site': 'same-site' });
      expect(crossSite.status).toBe(403);
    });
  });
});

describe('the sign-in debugger with CONTROL_TOKEN set', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures, settings: { controlToken: 'let-me-in' } });
  });
  afterAll(() => emulator.close());

  it('needs the token for the form and Start, and carries it through the sign-in and back', async () => {
    expect((await fetch(`${emulator.url}/_mock/debugger`)).status).toBe(401);
    expect((await fetch(`${emulator.url}/_mock/debugger/start?client=hrm`)).status).toBe(401);
    const agent = new UserAgent();
    const form = await agent.get(`${emulator.issuer}/_mock/debugger?token=let-me-in`);
    expect(form.status).toBe(200);
    let page = await agent.follow(await agent.submit(form, { client: 'hrm', login_hint: MAJA }));
    page = await agent.follow(await agent.submit(page, { Username: MAJA }));
    page = await agent.follow(await agent.submit(page, { Password: PASSWORD }));
    expect(claimRow(page, 'id-token-claims', 'aud')?.value).toBe('"hrm"');
    expect(page.html).toContain('href="/_mock/debugger?token=let-me-in"');
  });

  it('never shows the token to a browser that holds no sign-in started with it', async () => {
    const stranger = new UserAgent();
    const pages = [
      await stranger.get(`${emulator.issuer}/_mock/debugger/result`),
      await stranger.get(`${emulator.issuer}/_mock/debugger/callback?code=abc&state=abc`),
      await stranger.post(`${emulator.issuer}/_mock/debugger/refresh`, {}, { origin: 'http://localhost:9999' }),
    ];
    expect(pages.map((page) => page.status)).toEqual([400, 400, 403]);
    for (const page of pages) expect(page.html).not.toContain('let-me-in');
  });
});

describe('the sign-in debugger with the control plane off (beyond loopback, no CONTROL_TOKEN)', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures, settings: { host: '0.0.0.0' } });
  });
  afterAll(() => emulator.close());

  it('is off, and no client may send its code to the debugger', async () => {
    const form = await fetch(`${emulator.url}/_mock/debugger`);
    expect(form.status).toBe(403);
    expect(((await form.json()) as { error: string }).error).toBe('control_plane_disabled');

    const authorize = `${emulator.issuer}/connect/authorize?${new URLSearchParams({ client_id: 'hrm', response_type: 'code', scope: 'openid', redirect_uri: `${emulator.issuer}/_mock/debugger/callback`, code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })}`;
    const answer = await new UserAgent().get(authorize);
    expect(answer.status).toBe(400);
    expect(answer.location).toBeUndefined();
    expect(textOf(answer, 'error-code')).toBe('invalid_redirect_uri');
  });
});
