import type * as oidc from 'openid-client';
import { generate, createGuardrails } from 'otplib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { buildLogin, callbackRequest, completeLogin, discover, type StartedLogin } from '../support/relying-party.js';
import { readForm, UserAgent, validationMessages, type Page } from '../support/user-agent.js';

const TENANT = '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b';
const cb = (port: number) => `http://localhost:${port}/signin-oidc`;
const app = (clientId: string, port: number, twoFactor: string) => ({
  clientId,
  clientSecret: 'secret',
  redirectUris: [cb(port)],
  twoFactor,
  includeCoreIdentityClaims: true,
});
const OLLE_SECRET = 'KRUGS4ZANFZSA3LPMNVSAYLDMNXXK3TU';
const ANNA_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

const fixtures = {
  tenants: [{ id: TENANT, name: 'Strikt AB', trustedNetworks: ['10.20.0.0/16', '2001:db8:20::/48'] }],
  domains: [
    { name: 'strikt.se', twoFactor: 'required' },
    { name: 'fri.se', twoFactor: 'optional' },
  ],
  clients: [app('default-app', 4000, 'default'), app('bypass-app', 4001, 'bypass'), app('required-app', 4002, 'required'), app('adaptive-app', 4003, 'adaptive')],
  users: [
    { email: 'anna@strikt.se', password: 'Anna&Pass2025', tenants: [TENANT], totpSecret: ANNA_SECRET },
    { email: 'erik@strikt.se', password: 'Erik&Pass2025', tenants: [TENANT] },
    { email: 'olle@fri.se', password: 'Olle&Pass2025', tenants: [TENANT], totpSecret: OLLE_SECRET, emergencyCode: 'AAAA-BBBB-CCCC-DDDD' },
    { email: 'maja@fri.se', password: 'Maja&Pass2025', tenants: [TENANT] },
  ],
};
const PASSWORDS: Record<string, string> = { 'anna@strikt.se': 'Anna&Pass2025', 'erik@strikt.se': 'Erik&Pass2025', 'olle@fri.se': 'Olle&Pass2025', 'maja@fri.se': 'Maja&Pass2025' };
const PORTS: Record<string, number> = { 'default-app': 4000, 'bypass-app': 4001, 'required-app': 4002, 'adaptive-app': 4003 };

describe('two-factor sign-in through the pages', () => {
  let emulator: RunningEmulator;
  const configs = new Map<string, oidc.Configuration>();

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
    for (const clientId of Object.keys(PORTS)) configs.set(clientId, await discover(emulator.issuer, clientId, 'secret'));
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  const control = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${emulator.url}/_mock${path}`, {
      method,
      ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const totp = async (email: string) => (await control('GET', `/totp?email=${encodeURIComponent(email)}`)).body['code'] as string;

  interface Attempt {
    agent: UserAgent;
    clientId: string;
    login: StartedLogin;
    page: Page;
  }

  /** Starts a login at an app and walks as far as the pages go on their own: password given, then whatever comes. */
  /**
   * Starts a login at an app and walks as far as the pages go on their own: password given, then whatever comes.
   * `requestObject`: the request's parameters, with these members, go in an unsigned request object (JAR, alg none).
   */
  async function signIn(clientId: string, email: string, options: { agent?: UserAgent; extra?: Record<string, string>; requestObject?: Record<string, unknown> } = {}): Promise<Attempt> {
    const agent = options.agent ?? new UserAgent();
    const config = configs.get(clientId)!;
    const login = await buildLogin(config, { redirectUri: cb(PORTS[clientId]!), ...(options.extra && { extra: options.extra }) });
    const url = options.requestObject ? inRequestObject(login.url, options.requestObject) : login.url;
    let page = await agent.follow(await agent.get(url.href), cb(PORTS[clientId]!));
    if (page.html.includes('name="Username"')) {
      page = await agent.follow(await agent.post(readForm(page).action, { Username: email }), cb(PORTS[clientId]!));
      page = await agent.follow(await agent.post(readForm(page).action, { Password: PASSWORDS[email]! }), cb(PORTS[clientId]!));
    }
    return { agent, clientId, login, page };
  }

  function inRequestObject(url: URL, members: Record<string, unknown>): URL {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const params = Object.fromEntries(url.searchParams);
    const moved = new URL(url.pathname, url);
    moved.search = new URLSearchParams({ client_id: params['client_id']!, response_type: params['response_type']!, request: `${part({ alg: 'none' })}.${part({ ...params, ...members })}.` }).toString();
    return moved;
  }

  const isCodePage = (page: Page) => page.html.includes('name="AuthCode"') && page.html.includes('name="RememberCode"');
  const isEnrollPage = (page: Page) => page.html.includes('id="totp-secret"');
  const isBackAtApp = (attempt: Attempt) => attempt.page.html.includes('name="code"') && readForm(attempt.page).action === cb(PORTS[attempt.clientId]!);

  async function submitCode(attempt: Attempt, code: string, remember = false): Promise<Attempt> {
    const form = readForm(attempt.page);
    const page = await attempt.agent.follow(await attempt.agent.post(form.action, { AuthCode: code, ...(remember && { RememberCode: 'true' }) }), cb(PORTS[attempt.clientId]!));
    return { ...attempt, page };
  }

  async function tokensOf(attempt: Attempt) {
    expect(isBackAtApp(attempt)).toBe(true);
    return completeLogin(configs.get(attempt.clientId)!, attempt.login, callbackRequest(attempt.page, cb(PORTS[attempt.clientId]!)));
  }

  describe("the seed's priority rows", () => {
    it('asks nothing on a Bypass app even when the domain requires 2FA, and the token says password only', async () => {
      const attempt = await signIn('bypass-app', 'anna@strikt.se');
      const claims = (await tokensOf(attempt)).claims()!;
      expect(claims).toMatchObject({ acr: '2', amr: ['pwd'] });
    });

    it('asks for the code when the domain is optional but the app requires 2FA, and the token says two factors', async () => {
      const attempt = await signIn('required-app', 'olle@fri.se');
      expect(isCodePage(attempt.page)).toBe(true);
      const done = await submitCode(attempt, await totp('olle@fri.se'));
      expect((await tokensOf(done)).claims()).toMatchObject({ acr: '3', amr: ['pwd', 'otp', 'mfa'] });
    });

    it('asks for the code on an Adaptive app when the domain requires 2FA, even on a trusted network', async () => {
      await control('PUT', '/risk', { trustedNetwork: true });
      const attempt = await signIn('adaptive-app', 'anna@strikt.se');
      expect(isCodePage(attempt.page)).toBe(true);
    });
  });

  it('sends a user of a domain that requires 2FA through the enrollment wizard, with no way to skip it', async () => {
    const attempt = await signIn('default-app', 'erik@strikt.se');
    expect(isEnrollPage(attempt.page)).toBe(true);
    expect(attempt.page.html).not.toContain('Remind me later');
    expect(attempt.page.html).toMatch(/<img class="qr" src="data:image\/png;base64,/);
    const uri = decodeURIComponent(/id="otpauth-uri" href="([^"]+)"/.exec(attempt.page.html)![1]!.replace(/&amp;/g, '&'));
    expect(uri).toMatch(/^otpauth:\/\/totp\/Visma Connect:erik@strikt\.se\?secret=[A-Z2-7]+&issuer=Visma Connect$/);
    const secret = /id="totp-secret"[^>]*>([^<]+)</.exec(attempt.page.html)![1]!.replace(/\s/g, '');
    expect(uri).toContain(`secret=${secret}`);

    const wrong = await submitCode(attempt, '000000');
    expect(validationMessages(wrong.page)).toEqual(['The code is not correct. Check your authenticator app and try again.']);

    const code = await generate({ secret, epoch: Math.floor(Date.now() / 1000), guardrails: createGuardrails({ MIN_SECRET_BYTES: 10 }) });
    const emergency = await submitCode(wrong, code);
    const emergencyCode = /id="emergency-code"[^>]*>([^<]+)</.exec(emergency.page.html)![1]!;
    expect(emergencyCode).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);

    const done = { ...emergency, page: await emergency.agent.follow(await emergency.agent.post(readForm(emergency.page).action, {}), cb(4000)) };
    expect((await tokensOf(done)).claims()).toMatchObject({ acr: '3', amr: ['pwd', 'otp', 'mfa'] });
    expect((await control('GET', '/totp?email=erik@strikt.se')).status).toBe(200);
  });

  describe('adaptive apps', () => {
    it('asks an enrolled user for the code off the trusted networks, and nothing on them', async () => {
      expect(isCodePage((await signIn('adaptive-app', 'olle@fri.se')).page)).toBe(true);
      await control('PUT', '/risk', { clientIp: '10.20.30.40' });
      const trusted = await signIn('adaptive-app', 'olle@fri.se');
      expect((await tokensOf(trusted)).claims()).toMatchObject({ acr: '2', amr: ['pwd'] });
    });

    it('offers enrollment with "Remind me later" off the trusted networks, which signs in with the password alone', async () => {
      const attempt = await signIn('adaptive-app', 'maja@fri.se');
      expect(isEnrollPage(attempt.page)).toBe(true);
      expect(attempt.page.html).toContain('Remind me later');
      const later = /<form method="post" action="([^"]+\/enroll\/later)"/.exec(attempt.page.html)![1]!;
      const done = { ...attempt, page: await attempt.agent.follow(await attempt.agent.post(new URL(later, attempt.page.url).href, {}), cb(4003)) };
      expect((await tokensOf(done)).claims()).toMatchObject({ acr: '2', amr: ['pwd'] });
    });

    it('matches IPv6 trusted networks too', async () => {
      await control('PUT', '/risk', { clientIp: '2001:db8:20::7' });
      expect(isBackAtApp(await signIn('adaptive-app', 'olle@fri.se'))).toBe(true);
    });
  });

  it('steps up on a Bypass app by asking a signed-in user only for the code', async () => {
    const first = await signIn('bypass-app', 'olle@fri.se');
    expect((await tokensOf(first)).claims()!.acr).toBe('2');

    const stepUp = await signIn('bypass-app', 'olle@fri.se', { agent: first.agent, extra: { acr_values: 'urn:idp:vismaconnect:mfa' } });
    expect(isCodePage(stepUp.page)).toBe(true);
    expect(stepUp.page.html).not.toContain('name="Password"');
    const done = await submitCode(stepUp, await totp('olle@fri.se'));
    expect((await tokensOf(done)).claims()).toMatchObject({ acr: '3', amr: ['pwd', 'otp', 'mfa'] });
  });

  it('sends a signed-in user whose authenticator was removed during a step-up back to sign in afresh', async () => {
    const first = await signIn('bypass-app', 'olle@fri.se');
    await tokensOf(first);
    const stepUp = await signIn('bypass-app', 'olle@fri.se', { agent: first.agent, extra: { acr_values: 'urn:idp:vismaconnect:mfa' } });
    expect(isCodePage(stepUp.page)).toBe(true);
    await control('POST', '/fixtures', { users: [{ email: 'olle@fri.se', password: PASSWORDS['olle@fri.se'], tenants: [TENANT] }] });

    const again = await stepUp.agent.follow(await stepUp.agent.get(stepUp.page.url), cb(4001));
    expect(again.html).toContain('name="Username"');
    const password = await stepUp.agent.follow(await stepUp.agent.post(readForm(again).action, { Username: 'olle@fri.se' }));
    const enroll = await stepUp.agent.follow(await stepUp.agent.post(readForm(password).action, { Password: PASSWORDS['olle@fri.se']! }), cb(4001));
    expect(isEnrollPage(enroll)).toBe(true);
  });

  it('steps up for an acr level of 3 and for an essential acr claim', async () => {
    const level = await signIn('bypass-app', 'olle@fri.se', { extra: { acr_values: '3' } });
    expect(isCodePage(level.page)).toBe(true);
    const claims = await signIn('bypass-app', 'olle@fri.se', { extra: { claims: JSON.stringify({ id_token: { acr: { essential: true, values: ['urn:idp:vismaconnect:mfa'] } } }) } });
    expect(isCodePage(claims.page)).toBe(true);
  });

  it.each([
    ['an essential acr claim whose values are a number', { extra: { claims: JSON.stringify({ id_token: { acr: { essential: true, values: 5 } } }) } }, "the acr claim request's values must be an array of strings"],
    ['the same claim in a request object', { requestObject: { claims: { id_token: { acr: { essential: true, values: 5 } } } } }, "the acr claim request's values must be an array of strings"],
    ['acr_values a request object gives as a JSON array (not a step-up dropped without a word)', { requestObject: { acr_values: ['urn:idp:vismaconnect:mfa'] } }, 'acr_values must be a string of space-separated values, not a JSON array'],
  ])('sends the app invalid_request for %s, before any page', async (_name, options, description) => {
    const attempt = await signIn('bypass-app', 'olle@fri.se', options);
    expect(readForm(attempt.page)).toMatchObject({ action: cb(4001), fields: { error: 'invalid_request', error_description: description } });
  });

  it('does not ask again within the same session, but asks again for a step-up whose max_age has passed', async () => {
    const first = await submitCode(await signIn('required-app', 'olle@fri.se'), await totp('olle@fri.se'));
    await tokensOf(first);
    const sso = await signIn('default-app', 'olle@fri.se', { agent: first.agent, extra: { acr_values: 'urn:idp:vismaconnect:mfa' } });
    expect(isBackAtApp(sso)).toBe(true);

    await control('POST', '/clock', { advanceSeconds: 400 });
    const stale = await signIn('default-app', 'olle@fri.se', { agent: first.agent, extra: { acr_values: 'urn:idp:vismaconnect:mfa', max_age: '300' } });
    expect(isCodePage(stale.page)).toBe(true);
  });

  it('lets a remembered device skip Required, but not a step-up', async () => {
    const first = await submitCode(await signIn('required-app', 'olle@fri.se'), await totp('olle@fri.se'), true);
    await tokensOf(first);

    const again = await signIn('required-app', 'olle@fri.se', { agent: first.agent, extra: { prompt: 'login' } });
    expect((await tokensOf(again)).claims()).toMatchObject({ acr: '2', amr: ['pwd'] });

    const stepUp = await signIn('required-app', 'olle@fri.se', { agent: first.agent, extra: { acr_values: 'urn:idp:vismaconnect:mfa' } });
    expect(isCodePage(stepUp.page)).toBe(true);

    await control('POST', '/clock', { advanceSeconds: 31 * 24 * 3600 });
    const expired = await signIn('required-app', 'olle@fri.se', { agent: first.agent });
    expect(isCodePage(expired.page)).toBe(true);
  });

  it('refuses a wrong code and a code that was already used', async () => {
    const attempt = await signIn('required-app', 'olle@fri.se');
    const wrong = await submitCode(attempt, '123456' === (await totp('olle@fri.se')) ? '654321' : '123456');
    expect(wrong.page.status).toBe(200);
    expect(validationMessages(wrong.page)).toEqual(['The code is not correct. Check your authenticator app and try again.']);

    const code = await totp('olle@fri.se');
    await tokensOf(await submitCode(wrong, code));

    const replay = await signIn('required-app', 'olle@fri.se');
    const refused = await submitCode(replay, code);
    expect(validationMessages(refused.page)).toEqual(['This code has already been used. Wait for the next code in your app.']);
  });

  it.each(['123 456', '123-456', ' 123456 '])('takes the code typed as the app shows it (%j), spaces and dashes left out', async (typed) => {
    const attempt = await signIn('required-app', 'olle@fri.se');
    const code = await totp('olle@fri.se');
    const tokens = await tokensOf(await submitCode(attempt, typed.replace('123', code.slice(0, 3)).replace('456', code.slice(3))));
    expect(tokens.claims()).toMatchObject({ acr: '3' });
  });

  it('locks 2FA for five minutes after five wrong codes in a row', async () => {
    let attempt = await signIn('required-app', 'olle@fri.se');
    const right = await totp('olle@fri.se');
    const wrongCode = right === '111111' ? '222222' : '111111';
    for (let i = 0; i < 4; i += 1) attempt = await submitCode(attempt, wrongCode);
    attempt = await submitCode(attempt, wrongCode);
    expect(validationMessages(attempt.page)).toEqual(['Too many wrong codes. Two-step verification is locked for 5 minutes.']);
    attempt = await submitCode(attempt, right);
    expect(validationMessages(attempt.page)).toEqual(['Too many wrong codes. Two-step verification is locked for 5 minutes.']);

    await control('POST', '/clock', { advanceSeconds: 301 });
    const later = await submitCode(attempt, await totp('olle@fri.se'));
    expect((await tokensOf(later)).claims()!.acr).toBe('3');
  });

  it('accepts the emergency code once and shows the new one', async () => {
    const attempt = await signIn('required-app', 'olle@fri.se');
    const used = await submitCode(attempt, 'aaaa bbbb cccc dddd');
    const replacement = /id="emergency-code"[^>]*>([^<]+)</.exec(used.page.html)![1]!;
    expect(used.page.html).toContain('You signed in with your emergency code, so it no longer works.');
    expect(replacement).not.toBe('AAAA-BBBB-CCCC-DDDD');
    const done = { ...used, page: await used.agent.follow(await used.agent.post(readForm(used.page).action, {}), cb(4002)) };
    expect((await tokensOf(done)).claims()!.acr).toBe('3');

    const again = await submitCode(await signIn('required-app', 'olle@fri.se'), 'AAAA-BBBB-CCCC-DDDD');
    expect(validationMessages(again.page)).toEqual(['The code is not correct. Check your authenticator app and try again.']);
    const withNew = await submitCode(again, replacement);
    expect(withNew.page.html).toContain('id="emergency-code"');
  });

  it('asks a signed-in user for the password again for urn:idp:vismaconnect:method:pwd', async () => {
    const first = await signIn('bypass-app', 'maja@fri.se');
    await tokensOf(first);
    const reauth = await first.agent.follow(await first.agent.get((await buildLogin(configs.get('bypass-app')!, { redirectUri: cb(4001), extra: { acr_values: 'urn:idp:vismaconnect:method:pwd' } })).url.href), cb(4001));
    expect(reauth.html).toContain('name="Username"');
  });

  it('asks for the code in Swedish when the sign-in is in Swedish', async () => {
    const attempt = await signIn('required-app', 'olle@fri.se', { agent: new UserAgent({ acceptLanguage: 'sv-SE' }) });
    expect(attempt.page.html).toContain('<h1>Tvåstegsverifiering</h1>');
    expect(attempt.page.html).toContain('Kom ihåg den här enheten i 30 dagar');
    const wrong = await submitCode(attempt, '000000' === (await totp('olle@fri.se')) ? '999999' : '000000');
    expect(validationMessages(wrong.page)).toEqual(['Koden är inte korrekt. Kontrollera autentiseringsappen och försök igen.']);
  });

  it('explains a decision on request and lists the decisions taken', async () => {
    const explained = await control('POST', '/explain', { email: 'anna@strikt.se', clientId: 'bypass-app' });
    expect(explained.status).toBe(200);
    expect(explained.body).toMatchObject({ outcome: 'none', rule: 'bypass', input: { domainPolicy: 'required', appPolicy: 'bypass', enrolled: true } });
    expect(explained.body['trace']).toHaveLength(2);

    const stepUp = await control('POST', '/explain', { email: 'anna@strikt.se', clientId: 'bypass-app', acrValues: 'urn:idp:vismaconnect:mfa', rememberedDevice: true });
    expect(stepUp.body).toMatchObject({ outcome: 'challenge', rule: 'step-up' });

    await signIn('required-app', 'olle@fri.se');
    const { body } = await control('GET', '/decisions');
    expect(body['decisions']).toEqual([expect.objectContaining({ stage: 'password', email: 'olle@fri.se', clientId: 'required-app', outcome: 'challenge', rule: 'required', reason: '2FA is required by the app' })]);
  });

  describe('one decision per sign-in step, in /_mock/decisions', () => {
    const decisions = async () => (await control('GET', '/decisions')).body['decisions'] as Record<string, unknown>[];
    const taken = (stage: string, clientId: string, outcome: string, rule: string) => expect.objectContaining({ stage, clientId, outcome, rule, trace: expect.any(Array) });

    it('keeps exactly one decision for a sign-in with a code: the one taken after the password', async () => {
      await tokensOf(await submitCode(await signIn('required-app', 'olle@fri.se'), await totp('olle@fri.se')));
      expect(await decisions()).toEqual([taken('password', 'required-app', 'challenge', 'required')]);
    });

    it('keeps exactly one decision for a sign-in without a code, and one for a single sign-on to the next app, taken at authorize', async () => {
      const first = await signIn('bypass-app', 'maja@fri.se');
      await tokensOf(first);
      const sso = await signIn('default-app', 'maja@fri.se', { agent: first.agent });
      expect((await tokensOf(sso)).claims()).toMatchObject({ acr: '2', amr: ['pwd'] });
      expect(await decisions()).toEqual([taken('password', 'bypass-app', 'none', 'bypass'), taken('authorize', 'default-app', 'none', 'default')]);
    });

    it('keeps exactly one decision for a step-up: the one at authorize that sent the signed-in user to the code', async () => {
      const first = await signIn('bypass-app', 'olle@fri.se');
      await tokensOf(first);
      const stepUp = await signIn('bypass-app', 'olle@fri.se', { agent: first.agent, extra: { acr_values: 'urn:idp:vismaconnect:mfa' } });
      await tokensOf(await submitCode(stepUp, await totp('olle@fri.se')));
      expect(await decisions()).toEqual([taken('password', 'bypass-app', 'none', 'bypass'), taken('authorize', 'bypass-app', 'challenge', 'step-up')]);
    });

    it('keeps only the password decision when the session is too old for max_age and the whole sign-in is asked for', async () => {
      const first = await submitCode(await signIn('required-app', 'olle@fri.se'), await totp('olle@fri.se'));
      await tokensOf(first);
      await control('POST', '/clock', { advanceSeconds: 400 });
      const stale = await signIn('default-app', 'olle@fri.se', { agent: first.agent, extra: { acr_values: 'urn:idp:vismaconnect:mfa', max_age: '300' } });
      await tokensOf(await submitCode(stale, await totp('olle@fri.se')));
      expect(await decisions()).toEqual([taken('password', 'required-app', 'challenge', 'required'), taken('password', 'default-app', 'challenge', 'step-up')]);
    });

    it('keeps one decision for a step-up that enrolls the user, and none more for the emergency code page', async () => {
      const first = await signIn('bypass-app', 'maja@fri.se');
      await tokensOf(first);
      const stepUp = await signIn('bypass-app', 'maja@fri.se', { agent: first.agent, extra: { acr_values: 'urn:idp:vismaconnect:mfa' } });
      expect(isEnrollPage(stepUp.page)).toBe(true);
      const secret = /id="totp-secret"[^>]*>([^<]+)</.exec(stepUp.page.html)![1]!.replace(/\s/g, '');
      const code = await generate({ secret, epoch: Math.floor(Date.now() / 1000), guardrails: createGuardrails({ MIN_SECRET_BYTES: 10 }) });
      const emergency = await submitCode(stepUp, code);
      const done = { ...emergency, page: await emergency.agent.follow(await emergency.agent.post(readForm(emergency.page).action, {}), cb(4001)) };
      expect((await tokensOf(done)).claims()).toMatchObject({ acr: '3' });
      expect(await decisions()).toEqual([taken('password', 'bypass-app', 'none', 'bypass'), taken('authorize', 'bypass-app', 'enroll', 'step-up')]);
    });

    it('keeps one decision for a silent sign-in that a second factor would stop, and answers login_required', async () => {
      const first = await signIn('bypass-app', 'olle@fri.se');
      await tokensOf(first);
      const silent = await signIn('required-app', 'olle@fri.se', { agent: first.agent, extra: { prompt: 'none', response_mode: 'query' } });
      expect(new URL(silent.page.location!).searchParams.get('error')).toBe('login_required');
      expect(await decisions()).toEqual([taken('password', 'bypass-app', 'none', 'bypass'), taken('authorize', 'required-app', 'challenge', 'required')]);
    });

    it('keeps one decision for a single sign-on that prompt=consent interrupts after the decision', async () => {
      const first = await signIn('bypass-app', 'maja@fri.se');
      await tokensOf(first);
      const sso = await signIn('default-app', 'maja@fri.se', { agent: first.agent, extra: { prompt: 'consent' } });
      expect((await tokensOf(sso)).claims()).toMatchObject({ acr: '2' });
      expect(await decisions()).toEqual([taken('password', 'bypass-app', 'none', 'bypass'), taken('authorize', 'default-app', 'none', 'default')]);
    });

    it('reads an essential acr claim as a step-up at authorize too', async () => {
      const first = await signIn('bypass-app', 'olle@fri.se');
      await tokensOf(first);
      const claims = JSON.stringify({ id_token: { acr: { essential: true, values: ['urn:idp:vismaconnect:mfa'] } } });
      const stepUp = await signIn('bypass-app', 'olle@fri.se', { agent: first.agent, extra: { claims } });
      expect(isCodePage(stepUp.page)).toBe(true);
      await tokensOf(await submitCode(stepUp, await totp('olle@fri.se')));
      expect(await decisions()).toEqual([taken('password', 'bypass-app', 'none', 'bypass'), taken('authorize', 'bypass-app', 'challenge', 'step-up')]);
    });
  });

  it.each([
    ['an unknown user', { email: 'nobody@fri.se', clientId: 'default-app' }, 404, 'no user has the e-mail nobody@fri.se'],
    ['an unknown client', { email: 'olle@fri.se', clientId: 'nope' }, 404, 'no client has the id nope'],
    ['a missing e-mail', { clientId: 'default-app' }, 400, 'email is required (a string)'],
    ['a non-boolean risk', { email: 'olle@fri.se', clientId: 'default-app', trustedNetwork: 'yes' }, 400, 'trustedNetwork must be true or false'],
    ['acr values as a JSON array', { email: 'olle@fri.se', clientId: 'default-app', acrValues: '["3"]' }, 400, 'acr_values must be a string of space-separated values, not a JSON array'],
  ])('refuses to explain for %s', async (_name, body, status, description) => {
    const result = await control('POST', '/explain', body);
    expect(result.status).toBe(status);
    expect(result.body['error_description']).toBe(description);
  });

  it('refuses a bad risk override and a TOTP request it cannot answer', async () => {
    expect((await control('PUT', '/risk', { clientIp: 'not-an-ip' })).body).toEqual({ error: 'invalid_request', error_description: 'clientIp must be an IPv4 or IPv6 address' });
    expect((await control('PUT', '/risk', { trusted: true })).status).toBe(400);
    expect((await control('GET', '/totp?email=maja@fri.se')).body).toEqual({ error: 'not_enrolled', error_description: 'maja@fri.se has no authenticator (not enrolled in 2FA)' });
    expect((await control('GET', '/totp?email=nobody@fri.se')).status).toBe(404);
    expect((await control('GET', '/totp')).status).toBe(400);
    expect((await control('GET', '/totp?email=olle@fri.se&email=maja@fri.se')).body).toEqual({ error: 'invalid_request', error_description: 'email must be given once: GET /_mock/totp?email=<address>' });
  });
});
