import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { validationMessages } from '../../provider/testing/web/index.js';
import { startTestEmulator } from '../support/emulator.js';
import { RawBrowser, type Answer, type Call } from '../support/raw-browser.js';

const CALLBACK = 'http://localhost:3000/signin-oidc';
const PASSWORD = 'Lugn&Fin2025';
const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

const fixtures = {
  domains: [{ name: 'krav.se', twoFactor: 'required' }],
  clients: [{ clientId: 'hrm', clientSecret: 'x', redirectUris: [CALLBACK] }],
  users: [
    { email: 'sara.ek@example.se', password: PASSWORD, passkeys: [{ name: 'Laptop' }] },
    { email: 'nils.key@example.se', password: PASSWORD, securityKeys: [{ name: 'YubiKey' }] },
    { email: 'tova.kod@example.se', password: PASSWORD, totpSecret: TOTP_SECRET },
    { email: 'olle.bar@example.se', password: PASSWORD },
    { email: 'ny.krav@krav.se', password: PASSWORD },
  ],
};

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_TYPE = { 'content-type': 'application/json' };
const HTML = { accept: 'text/html' };

const b64 = (value: string) => Buffer.from(value, 'utf8').toString('base64url');
const deeplyNested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

/** What a page's script posts as `WebAuthnResponse`, and worse: each one a hand-made answer. */
const WEBAUTHN_RESPONSES: Record<string, string> = {
  'cut-off JSON': '{"id":',
  'an array': '[]',
  null: 'null',
  'a number': '1e400',
  'a string': '"public-key"',
  'an empty object': '{}',
  'deeply nested JSON': deeplyNested(5000),
  'ids that are not base64url': JSON.stringify({ id: '!!', rawId: '!!', type: 'public-key', response: { clientDataJSON: '', authenticatorData: '', signature: '' } }),
  'clientDataJSON that is not JSON': JSON.stringify({ id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: { clientDataJSON: b64('nope'), authenticatorData: '', signature: '', attestationObject: '' } }),
  'clientDataJSON of the wrong shape': JSON.stringify({ id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: { clientDataJSON: b64('[1,2]'), authenticatorData: '', signature: '', attestationObject: '' } }),
  'clientDataJSON with a non-base64url challenge': JSON.stringify({
    id: 'AAAA',
    rawId: 'AAAA',
    type: 'public-key',
    response: { clientDataJSON: b64(JSON.stringify({ type: 'webauthn.get', challenge: '***', origin: 'http://x' })), authenticatorData: 'AAAA', signature: 'AAAA', attestationObject: 'AAAA' },
  }),
  'a well-formed answer with garbage inside': JSON.stringify({
    id: 'AAAAAAAAAAAAAAAAAAAAAA',
    rawId: 'AAAAAAAAAAAAAAAAAAAAAA',
    type: 'public-key',
    response: { clientDataJSON: b64(JSON.stringify({ type: 'webauthn.create', challenge: 'AAAA', origin: 'http://x' })), authenticatorData: 'AAAA', signature: 'AAAA', attestationObject: 'AAAA', userHandle: 'AAAA' },
    clientExtensionResults: [],
  }),
  'ids of another type': JSON.stringify({ id: 1, rawId: { a: 1 }, type: 'public-key', response: null }),
};

/** Bodies that are not what a form posts. */
const ODD_BODIES: Record<string, Pick<Call, 'headers' | 'body'>> = {
  'no body': {},
  'an empty form': { headers: FORM, body: '' },
  JSON: { headers: JSON_TYPE, body: '{"WebAuthnResponse":{"id":1}}' },
  'malformed JSON': { headers: JSON_TYPE, body: '{"a":' },
  'plain text': { headers: { 'content-type': 'text/plain' }, body: 'WebAuthnResponse=1' },
  'multipart without a boundary': { headers: { 'content-type': 'multipart/form-data' }, body: '--x\r\n' },
  'a charset nobody knows': { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=klingon' }, body: 'a=1' },
  'duplicated fields': { headers: FORM, body: 'WebAuthnResponse=1&WebAuthnResponse=2&Name=a&Name=b&Code=1&Code=2&From=x&From=y' },
  'broken percent-encoding': { headers: FORM, body: 'WebAuthnResponse=%E0%A4%A&Name=%' },
  'a body of 2 MB': { headers: FORM, body: `WebAuthnResponse=${'a'.repeat(2_000_000)}` },
  'one field sent 32,000 times (64 KB)': { headers: FORM, body: 'a&'.repeat(32_000) },
};

/** Paths under an interaction, as the new pages spell them. */
const INTERACTION_STEPS = [
  '/another-way',
  '/use-emergency-code',
  '/lost-authenticator',
  '/passkey/options',
  '/passkey',
  '/passkey-offer',
  '/passkey-offer/options',
  '/passkey-offer/skip',
  '/security-key',
  '/security-key/options',
  '/enroll',
  '/enroll/security-key',
  '/enroll/security-key/options',
  '/enroll/later',
];

const ODD_UIDS = ['unknown-uid', 'a'.repeat(2000), '%00', '%E0%A4%A', '..%2F..%2F_mock', '%20'];

/** A call answered as the rule says: a 4xx, a page or a redirect, never a 5xx (nor a hang, which throws). */
const failed = (answer: Answer) => answer.status >= 500;

describe('hostile calls to the new routes (control room, debugger, WebAuthn, Try another way)', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  const browserAt = () => new RawBrowser(emulator.issuer, emulator.url);

  /** Sends each call, and lists the ones answered with a 5xx or not answered at all. */
  async function sweep(browser: RawBrowser, calls: Call[]): Promise<string[]> {
    const failures: string[] = [];
    for (const call of calls) {
      const label = `${call.method} ${call.path.slice(0, 120)} ${JSON.stringify(call.headers ?? {})} ${(call.body ?? '').slice(0, 80)}`;
      try {
        const answer = await browser.send(call);
        if (failed(answer)) failures.push(`${label} -> ${answer.status} ${answer.text.slice(0, 200)}`);
      } catch (error) {
        failures.push(`${label} -> ${(error as Error).message}`);
      }
    }
    return failures;
  }

  const tokenOf = (html: string) => /name="__RequestVerificationToken" value="([^"]+)"/.exec(html)?.[1] ?? '';

  /** A browser at the identifier page of a new sign-in: its interaction's uid and its form token. */
  async function atIdentifier(): Promise<{ browser: RawBrowser; uid: string; token: string }> {
    const browser = browserAt();
    const query = new URLSearchParams({ client_id: 'hrm', response_type: 'code', scope: 'openid', redirect_uri: CALLBACK, nonce: 'n', state: 's' });
    const page = await browser.follow(await browser.send({ method: 'GET', path: `/connect/authorize?${query}` }));
    const uid = /\/interaction\/([^/?#]+)/.exec(page.url)![1]!;
    return { browser, uid, token: tokenOf(page.text) };
  }

  /** A browser past the password of `email`, at whatever page comes next. */
  async function pastPassword(email: string): Promise<{ browser: RawBrowser; uid: string; token: string; page: Answer & { url: string } }> {
    const { browser, uid, token } = await atIdentifier();
    const post = (path: string, fields: Record<string, string>) => browser.send({ method: 'POST', path, headers: FORM, body: new URLSearchParams({ __RequestVerificationToken: token, ...fields }).toString() });
    await browser.follow(await post(`/interaction/${uid}`, { Username: email }));
    const page = await browser.follow(await post(`/interaction/${uid}/password`, { Password: PASSWORD, PasskeyCapable: 'true' }));
    return { browser, uid, token: tokenOf(page.text) || token, page };
  }

  /** Every method and body on every step of an interaction. */
  function stepCalls(uid: string, token: string): Call[] {
    const calls: Call[] = [];
    for (const step of INTERACTION_STEPS) {
      const path = `/interaction/${uid}${step}`;
      for (const method of ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH']) calls.push({ method, path });
      for (const odd of Object.values(ODD_BODIES)) calls.push({ method: 'POST', path, ...odd });
      for (const response of Object.values(WEBAUTHN_RESPONSES)) {
        calls.push({ method: 'POST', path, headers: FORM, body: new URLSearchParams({ __RequestVerificationToken: token, WebAuthnResponse: response, Name: 'x', From: 'password' }).toString() });
      }
      calls.push({ method: 'POST', path, headers: FORM, body: new URLSearchParams({ __RequestVerificationToken: token, WebAuthnError: 'x'.repeat(100) }).toString() });
      calls.push({ method: 'POST', path, headers: FORM, body: new URLSearchParams({ __RequestVerificationToken: token, Code: '1'.repeat(500), EmergencyCode: '-', Email: '@' }).toString() });
    }
    return calls;
  }

  it('answers every malformed call to a new interaction step with a 4xx, a page or a redirect, never a 5xx', async () => {
    const { browser, uid, token } = await atIdentifier();
    expect(await sweep(browser, stepCalls(uid, token))).toEqual([]);
  });

  it('renders the new interaction steps in any odd Accept-Language, never a 5xx', async () => {
    const { browser, uid } = await pastPassword('nils.key@example.se');
    const languages = ['', '*', 'sv-SE;q=abc', 'xx-ÅÄ', ',,,;q=', 'sv;q=2, en;q=-1', 'a'.repeat(5000), 'sv-SE,'.repeat(500)];
    const calls = INTERACTION_STEPS.flatMap((step) => languages.map((language) => ({ method: 'GET', path: `/interaction/${uid}${step}`, headers: { 'accept-language': language } })));
    expect(await sweep(browser, calls)).toEqual([]);
  });

  it('answers the new interaction steps of an unknown or odd uid, with or without a cookie, never with a 5xx', async () => {
    const { browser, token } = await atIdentifier();
    const calls = ODD_UIDS.flatMap((uid) => stepCalls(uid, token).filter((call) => call.method !== 'POST' || call.body === undefined || call.body.length < 10_000));
    expect(await sweep(browser, calls)).toEqual([]);
    expect(await sweep(browserAt(), calls)).toEqual([]);
  });

  it.each(['sara.ek@example.se', 'nils.key@example.se', 'tova.kod@example.se', 'olle.bar@example.se', 'ny.krav@krav.se'])('answers every step out of order for %s after the password, never with a 5xx', async (email) => {
    const { browser, uid, token } = await pastPassword(email);
    expect(await sweep(browser, stepCalls(uid, token))).toEqual([]);
  });

  it.each(['sara.ek@example.se', 'nils.key@example.se', 'tova.kod@example.se'])('answers every step for %s, whose factors new fixtures took away mid-sign-in, never with a 5xx', async (email) => {
    const { browser, uid, token } = await pastPassword(email);
    const merged = await fetch(`${emulator.url}/_mock/fixtures`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ users: [{ email, password: PASSWORD }] }) });
    expect(merged.status).toBe(200);
    expect(await sweep(browser, stepCalls(uid, token))).toEqual([]);
  });

  it('answers the steps of an interaction that has expired with a page, never a 5xx', async () => {
    const { browser, uid, token } = await pastPassword('tova.kod@example.se');
    await fetch(`${emulator.url}/_mock/clock`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ advanceSeconds: 3 * 24 * 3600 }) });
    expect(await sweep(browser, stepCalls(uid, token))).toEqual([]);
  });

  it('answers the identifier form with odd "Save my e-mail" values and odd addresses with the page, never a 5xx', async () => {
    const failures: string[] = [];
    const bodies = [
      'Username=sara.ek@example.se&SaveEmail=maybe',
      'Username=sara.ek@example.se&SaveEmail=true&SaveEmail=false',
      'Username=sara.ek@example.se&SaveEmail=',
      `Username=${'a'.repeat(300)}@example.se&SaveEmail=true`,
      'Username=%00@example.se&SaveEmail=true',
      'Username=%E0%A4%A@example.se&SaveEmail=true',
      'Username=a@b@c&SaveEmail=true',
      'Username=%22%3E%3Cscript%3E@example.se&SaveEmail=true',
      'Username[]=x&SaveEmail[a]=1',
      'PasskeyCapable=true&PasskeyCapable=false',
    ];
    for (const body of bodies) {
      const { browser, uid, token } = await atIdentifier();
      failures.push(...(await sweep(browser, [{ method: 'POST', path: `/interaction/${uid}`, headers: FORM, body: `__RequestVerificationToken=${token}&${body}` }])));
      failures.push(...(await sweep(browser, [{ method: 'POST', path: `/interaction/${uid}/password`, headers: FORM, body: `__RequestVerificationToken=${token}&Password=x&${body}` }])));
    }
    expect(failures).toEqual([]);
  });

  it('ignores a saved-email cookie of any odd value', async () => {
    const odd = ['', '=', '%', '%E0%A4%A', '"quoted"', b64('not an address'), b64('a'.repeat(300) + '@x.se'), b64('\u0000@x.se'), '-_-_', 'a'.repeat(4000), b64('sara.ek@example.se') + ';x=1'];
    const failures: string[] = [];
    for (const value of odd) {
      const { browser, uid } = await atIdentifier();
      failures.push(...(await sweep(browser, [{ method: 'GET', path: `/interaction/${uid}`, headers: { cookie: `mvc_saved_email=${value}` } }])));
    }
    expect(failures).toEqual([]);
  });

  /** A browser signed in to Account Settings as `email` (a user without a second factor to ask for), and the overview page. */
  async function inAccountSettings(email: string): Promise<{ browser: RawBrowser; page: Answer & { url: string } }> {
    const browser = browserAt();
    const identifier = await browser.follow(await browser.send({ method: 'GET', path: '/account' }));
    const uid = /\/interaction\/([^/?#]+)/.exec(identifier.url)![1]!;
    const post = (path: string, fields: Record<string, string>, html: string) => browser.send({ method: 'POST', path, headers: FORM, body: new URLSearchParams({ __RequestVerificationToken: tokenOf(html), ...fields }).toString() });
    const password = await browser.follow(await post(`/interaction/${uid}`, { Username: email }, identifier.text));
    const page = await browser.follow(await post(`/interaction/${uid}/password`, { Password: PASSWORD }, password.text));
    expect(page.text).toContain('id="account-email"');
    return { browser, page };
  }

  it('answers odd credential ids and malformed passkey posts in Account Settings with the page, never a 5xx', async () => {
    const { browser, page } = await inAccountSettings('sara.ek@example.se');
    const token = tokenOf(page.text);
    const ids = ['unknown', '%00', '%E0%A4%A', 'a'.repeat(3000), '..', '%2F..%2F', '__proto__', 'constructor', '%20', /\/account\/credentials\/([^/]+)\/rename/.exec(page.text)![1]!];
    const calls: Call[] = [];
    for (const id of ids) {
      for (const action of ['rename', 'delete']) {
        const path = `/account/credentials/${id}/${action}`;
        for (const method of ['GET', 'HEAD', 'PUT', 'DELETE']) calls.push({ method, path });
        for (const odd of Object.values(ODD_BODIES)) calls.push({ method: 'POST', path, ...odd });
        for (const Name of ['', ' ', 'x'.repeat(10_000), '\u0000', '<script>']) calls.push({ method: 'POST', path, headers: FORM, body: new URLSearchParams({ __RequestVerificationToken: token, Name }).toString() });
      }
    }
    for (const path of ['/account/passkeys', '/account/passkeys/options']) {
      for (const method of ['GET', 'HEAD', 'PUT', 'DELETE']) calls.push({ method, path });
      for (const odd of Object.values(ODD_BODIES)) calls.push({ method: 'POST', path, ...odd });
      for (const response of Object.values(WEBAUTHN_RESPONSES)) calls.push({ method: 'POST', path, headers: FORM, body: new URLSearchParams({ __RequestVerificationToken: token, WebAuthnResponse: response, Name: 'x' }).toString() });
    }
    expect(await sweep(browser, calls)).toEqual([]);
    expect(await sweep(browserAt(), calls)).toEqual([]);
  });

  describe('genuine WebAuthn answers with one part broken', () => {
    type Credential = { id: string; rawId: string; response: Record<string, string | string[]> } & Record<string, unknown>;
    const clientDataOf = (credential: Credential) => JSON.parse(Buffer.from(String(credential.response['clientDataJSON']), 'base64url').toString('utf8')) as Record<string, unknown>;
    const withClientData = (credential: Credential, change: Record<string, unknown>): Credential => ({
      ...credential,
      response: { ...credential.response, clientDataJSON: b64(JSON.stringify({ ...clientDataOf(credential), ...change })) },
    });
    const withResponse = (credential: Credential, change: Record<string, string | string[] | undefined>): Credential => ({ ...credential, response: { ...credential.response, ...change } as Credential['response'] });
    const half = (value: unknown) => String(value).slice(0, Math.floor(String(value).length / 2));

    const BROKEN_ASSERTIONS: Record<string, (credential: Credential) => unknown> = {
      'authenticator data cut in half': (credential) => withResponse(credential, { authenticatorData: half(credential.response['authenticatorData']) }),
      'empty authenticator data': (credential) => withResponse(credential, { authenticatorData: '' }),
      'a signature of garbage': (credential) => withResponse(credential, { signature: 'AAAA' }),
      'an empty signature': (credential) => withResponse(credential, { signature: '' }),
      'the user handle of nobody': (credential) => withResponse(credential, { userHandle: b64('nobody') }),
      'a user handle of 60,000 characters': (credential) => withResponse(credential, { userHandle: 'A'.repeat(60_000) }),
      'clientData of a registration': (credential) => withClientData(credential, { type: 'webauthn.create' }),
      'clientData with a token binding object': (credential) => withClientData(credential, { tokenBinding: { status: 'present', id: 1 } }),
      'clientData whose origin has a slash more': (credential) => withClientData(credential, { origin: `${String(clientDataOf(credential)['origin'])}/` }),
      'a rawId that is not the id': (credential) => ({ ...credential, rawId: 'AAAAAAAAAAAAAAAAAAAAAA' }),
      'extension results that are not an object': (credential) => ({ ...credential, clientExtensionResults: 'x' }),
      'an unknown attachment': (credential) => ({ ...credential, authenticatorAttachment: 'usb' }),
    };

    const BROKEN_ATTESTATIONS: Record<string, (credential: Credential) => unknown> = {
      'an attestation object cut in half': (credential) => withResponse(credential, { attestationObject: half(credential.response['attestationObject']) }),
      'an empty attestation object': (credential) => withResponse(credential, { attestationObject: '' }),
      'an attestation object of garbage': (credential) => withResponse(credential, { attestationObject: b64('\u00a3fmt') }),
      'clientData of a sign-in': (credential) => withClientData(credential, { type: 'webauthn.get' }),
      'clientData without a challenge': (credential) => withClientData(credential, { challenge: undefined }),
      'nine transports': (credential) => withResponse(credential, { transports: Array(9).fill('usb') as string[] }),
      'transports that are not names': (credential) => withResponse(credential, { transports: ['x'.repeat(100)] }),
      'an id that is not its credential': (credential) => ({ ...credential, id: 'AAAAAAAAAAAAAAAAAAAAAA', rawId: 'AAAAAAAAAAAAAAAAAAAAAA' }),
    };

    const control = async (path: string, body: unknown) => {
      const response = await fetch(`${emulator.url}/_mock${path}`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify(body) });
      return ((await response.json()) as { response: Credential }).response;
    };
    const optionsAt = async (browser: RawBrowser, path: string, token: string) =>
      (JSON.parse((await browser.send({ method: 'POST', path, headers: FORM, body: new URLSearchParams({ __RequestVerificationToken: token }).toString() })).text) as { challenge: string }).challenge;
    const post = (browser: RawBrowser, path: string, token: string, answer: unknown) =>
      browser.send({ method: 'POST', path, headers: FORM, body: new URLSearchParams({ __RequestVerificationToken: token, WebAuthnResponse: JSON.stringify(answer), Name: 'x' }).toString() });
    const refusedOnThePage = (answer: Answer) => {
      expect(answer.status).toBe(200);
      expect(validationMessages({ html: answer.text, url: emulator.issuer })).toHaveLength(1);
    };

    const BROKEN_PASSKEY_ASSERTIONS: Record<string, (credential: Credential) => unknown> = {
      ...BROKEN_ASSERTIONS,
      'no user handle (a passkey names its user)': (credential) => withResponse(credential, { userHandle: undefined }),
    };

    it.each(Object.entries(BROKEN_PASSKEY_ASSERTIONS))('refuses a passkey sign-in whose answer has %s, on the page', async (_name, broken) => {
      const { browser, uid, token } = await atIdentifier();
      const challenge = await optionsAt(browser, `/interaction/${uid}/passkey/options`, token);
      const genuine = await control('/webauthn/assertion', { challenge, email: 'sara.ek@example.se' });
      refusedOnThePage(await post(browser, `/interaction/${uid}/passkey`, token, broken(genuine)));
    });

    it.each(Object.entries(BROKEN_ASSERTIONS))('refuses a security key at 2FA whose answer has %s, on the page', async (_name, broken) => {
      const { browser, uid, token } = await pastPassword('nils.key@example.se');
      const challenge = await optionsAt(browser, `/interaction/${uid}/security-key/options`, token);
      const genuine = await control('/webauthn/assertion', { challenge, email: 'nils.key@example.se', kind: 'security-key' });
      refusedOnThePage(await post(browser, `/interaction/${uid}/security-key`, token, broken(genuine)));
    });

    it.each(Object.entries(BROKEN_ATTESTATIONS))('refuses a new passkey in Account Settings whose answer has %s, on the page', async (_name, broken) => {
      const { browser, page } = await inAccountSettings('olle.bar@example.se');
      const token = tokenOf(page.text);
      const challenge = await optionsAt(browser, '/account/passkeys/options', token);
      const genuine = await control('/webauthn/attestation', { challenge, email: 'olle.bar@example.se', kind: 'passkey' });
      refusedOnThePage(await post(browser, '/account/passkeys', token, broken(genuine)));
    });

    it.each(Object.entries(BROKEN_ATTESTATIONS))('refuses a security key in the enrollment wizard whose answer has %s, on the page', async (_name, broken) => {
      const { browser, uid, token } = await pastPassword('ny.krav@krav.se');
      const challenge = await optionsAt(browser, `/interaction/${uid}/enroll/security-key/options`, token);
      const genuine = await control('/webauthn/attestation', { challenge, email: 'ny.krav@krav.se', kind: 'security-key' });
      refusedOnThePage(await post(browser, `/interaction/${uid}/enroll/security-key`, token, broken(genuine)));
    });
  });

  describe('control plane', () => {
    const control = (path: string, extra: Partial<Call>[]): Call[] => extra.map((call) => ({ method: 'POST', path: `/_mock${path}`, headers: JSON_TYPE, ...call }));
    const json = (value: unknown): Partial<Call> => ({ body: JSON.stringify(value) });

    it('answers every malformed call to /_mock/webauthn/assertion and /attestation with a 4xx {error, error_description}', async () => {
      const bodies: Partial<Call>[] = [
        {},
        { body: '' },
        { body: '{"challenge":' },
        { body: 'null' },
        { body: '[]' },
        { body: '"x"' },
        { body: '1e400' },
        { body: deeplyNested(100_000) },
        { body: `{"a":${deeplyNested(5000)}}` },
        { headers: { 'content-type': 'text/plain' }, body: '{}' },
        { headers: FORM, body: 'challenge=abc&email=sara.ek@example.se' },
        { headers: { 'content-type': 'application/json; charset=klingon' }, body: '{}' },
        json({ challenge: 1, email: [] }),
        json({ challenge: 'abc', email: 'sara.ek@example.se', counter: 1e300 }),
        json({ challenge: 'abc', email: 'sara.ek@example.se', counter: -1 }),
        json({ challenge: 'abc', email: 'sara.ek@example.se', counter: 1.5 }),
        json({ challenge: 'abc', email: 'sara.ek@example.se', counter: '1' }),
        json({ challenge: 'abc', email: 'sara.ek@example.se', userVerified: 'yes' }),
        json({ challenge: 'abc', email: 'sara.ek@example.se', kind: 'totp' }),
        json({ challenge: 'abc', email: 'sara.ek@example.se', origin: 'not a url' }),
        json({ challenge: 'abc', email: 'sara.ek@example.se', origin: 'x'.repeat(100_000) }),
        json({ challenge: '***', email: 'sara.ek@example.se' }),
        json({ challenge: '', email: 'sara.ek@example.se' }),
        json({ challenge: 'a'.repeat(500_000), email: 'sara.ek@example.se' }),
        json({ challenge: 'abc', credentialId: 'unknown' }),
        json({ challenge: 'abc', credentialId: '***' }),
        json({ challenge: 'abc', credentialId: 'a'.repeat(100_000) }),
        json({ challenge: 'abc', email: 'nobody@example.se' }),
        json({ challenge: 'abc', email: 'olle.bar@example.se' }),
        json({ challenge: 'abc', email: 'a'.repeat(100_000) }),
        json({ challenge: 'abc', email: 'sara.ek@example.se', __proto__: { admin: true } }),
        { body: '{"challenge":"abc","email":"sara.ek@example.se","__proto__":{"x":1}}' },
        { body: '{"challenge":"abc","email":"sara.ek@example.se","constructor":{"prototype":{"x":1}}}' },
        { body: `{"challenge":"abc","email":"${'\\u0000'.repeat(10)}"}` },
        { body: `{"challenge":"abc","email":"\\ud800"}` },
        { body: `{"challenge":"abc","email":"sara.ek@example.se"}`.repeat(2) },
        { body: 'x'.repeat(5_000_000) },
      ];
      const calls = [...control('/webauthn/assertion', bodies), ...control('/webauthn/attestation', bodies)];
      for (const path of ['/_mock/webauthn/assertion', '/_mock/webauthn/attestation']) for (const method of ['GET', 'HEAD', 'PUT', 'DELETE']) calls.push({ method, path });
      const browser = browserAt();
      expect(await sweep(browser, calls)).toEqual([]);
      for (const call of calls.filter((candidate) => candidate.method === 'POST')) {
        const answer = await browser.send(call);
        if (answer.status >= 400) expect(JSON.parse(answer.text), call.body?.slice(0, 80)).toEqual({ error: expect.any(String), error_description: expect.any(String) });
      }
    });

    it('answers the control room and the decisions page with any Accept, method and form, never a 5xx', async () => {
      const accepts = ['text/html', '*/*', 'application/json', 'text/html;q=0, application/json', 'image/png', '', ',,,', 'text/html; charset=klingon', 'a'.repeat(8000)];
      const calls: Call[] = [];
      for (const path of ['/_mock', '/_mock/', '/_mock/decisions', '/_mock/decisions?limit=-1', '/_mock/decisions?limit=abc&limit=2', '/_mock?tab=%E0%A4%A', '/_mock/debugger?client=%00&scope=a&scope=b']) {
        for (const accept of accepts) calls.push({ method: 'GET', path, headers: { accept } });
        for (const method of ['HEAD', 'PUT', 'DELETE', 'PATCH']) calls.push({ method, path, headers: HTML });
      }
      const browser = browserAt();
      const room = await browser.send({ method: 'GET', path: '/_mock', headers: HTML });
      const token = tokenOf(room.text);
      for (const action of ['clock', 'reset', 'risk', 'faults', 'faults/clear', 'fixtures', 'unknown']) {
        const path = `/_mock/room/${action}`;
        for (const odd of Object.values(ODD_BODIES)) calls.push({ method: 'POST', path, ...odd, headers: { ...HTML, ...odd.headers } });
        const oddFields: Record<string, string>[] = [
          { to: 'not a date', advanceSeconds: '1e400' },
          { to: '9999-99-99T99:99', advanceSeconds: '-99999999999999999999' },
          { to: '+275760-09-13T00:00:01Z', advanceSeconds: 'NaN' },
          { now: 'real', to: '2020-01-01', advanceSeconds: '0x10' },
          { trustedNetwork: 'maybe', clientIp: '999.1.1.1' },
          { trustedNetwork: 'true', clientIp: '::ffff:999.1.1.1%eth0' },
          { endpoint: '%', error: 'x'.repeat(300), status: '999', count: '-1', delayMs: '1e400' },
          { endpoint: 'token', error: 'server_error', status: '200', count: '1e9', delayMs: '-5' },
          { endpoint: 'token', error: '', status: 'abc', count: '0', delayMs: '99999999999' },
          { yaml: 'clients: [', action: 'apply' },
          { yaml: deeplyNested(5000), action: 'apply' },
          { yaml: 'a: &a [*a, *a, *a, *a, *a, *a, *a, *a, *a]', action: 'apply' },
          { yaml: 'users: [{email: 1}]', action: 'apply' },
          { yaml: 'users: 7', action: 'check' },
          { yaml: '- 1', action: 'everything' },
        ];
        for (const fields of oddFields) {
          calls.push({ method: 'POST', path, headers: { ...FORM, ...HTML }, body: new URLSearchParams({ __RequestVerificationToken: token, ...fields }).toString() });
        }
        for (const method of ['GET', 'PUT', 'DELETE']) calls.push({ method, path, headers: HTML });
      }
      expect(await sweep(browser, calls)).toEqual([]);
      const forged = browserAt();
      expect(
        await sweep(
          forged,
          calls.map((call) => ({ ...call, headers: { ...call.headers, cookie: 'mvc_room=forged; mvc_room.sig=forged' } })),
        ),
      ).toEqual([]);
    });
  });

  describe('sign-in debugger', () => {
    const debuggerCalls = (): Call[] => {
      const calls: Call[] = [];
      for (const query of [
        '',
        'client=',
        'client=hrm&client=hrm',
        'client=unknown',
        'client=%00',
        'client=hrm&scope=',
        'client=hrm&scope=a&scope=b',
        `client=hrm&scope=${'a'.repeat(10_000)}`,
        'client=hrm&response_mode=smoke',
        'client=hrm&response_mode=form_post&response_mode=query',
        'client=hrm&prompt=everything',
        'client=hrm&prompt=none&prompt=login',
        'client=hrm&max_age=-1',
        'client=hrm&max_age=1e400',
        'client=hrm&max_age=abc',
        'client=hrm&acr_values=%E0%A4%A',
        'client=hrm&login_hint=a&login_hint=b',
        'client=hrm&ui_locales=%00',
        'client[a]=b',
        'client=debugger',
        'token=x&token=y',
      ]) {
        calls.push({ method: 'GET', path: `/_mock/debugger/start?${query}`, headers: HTML });
        calls.push({ method: 'GET', path: `/_mock/debugger?${query}`, headers: HTML });
      }
      const callbacks = [
        '',
        'code=x',
        'state=x',
        'code=x&state=x',
        'code=a&code=b&state=x&state=y',
        'error=access_denied&error=x',
        'error[a]=b',
        'error=x&error_description=a&error_description=b',
        'iss=a&iss=b',
        '%E0%A4%A=1',
        `code=${'a'.repeat(20_000)}`,
      ];
      for (const query of callbacks) {
        calls.push({ method: 'GET', path: `/_mock/debugger/callback?${query}`, headers: HTML });
        calls.push({ method: 'POST', path: '/_mock/debugger/callback', headers: { ...HTML, ...FORM }, body: query });
      }
      for (const odd of Object.values(ODD_BODIES)) calls.push({ method: 'POST', path: '/_mock/debugger/callback', ...odd, headers: { ...HTML, ...odd.headers } });
      for (const path of ['/_mock/debugger/result', '/_mock/debugger/refresh', '/_mock/debugger/step-up', '/_mock/debugger/sign-out', '/_mock/debugger/signed-out', '/_mock/debugger/signed-out?state=a&state=b']) {
        for (const method of ['GET', 'POST', 'HEAD', 'PUT', 'DELETE']) calls.push({ method, path, headers: HTML });
      }
      return calls;
    };

    it('answers odd starts, callbacks and buttons without a run, with a forged cookie and with a run, never with a 5xx', async () => {
      expect(await sweep(browserAt(), debuggerCalls())).toEqual([]);
      const forged = debuggerCalls().map((call) => ({ ...call, headers: { ...call.headers, cookie: 'mvc_debugger=forged; mvc_debugger.sig=forged; mvc_debugger_run=x' } }));
      expect(await sweep(browserAt(), forged)).toEqual([]);
      const started = browserAt();
      await started.send({ method: 'GET', path: '/_mock/debugger/start?client=hrm', headers: HTML });
      expect(await sweep(started, debuggerCalls())).toEqual([]);
    });

    it.each(
      Object.entries({
        'scope of 6,000 characters that each take three in a URL': `scope=${'!'.repeat(6000)}`,
        '1,200 scopes, each a parameter of its own': Array.from({ length: 1200 }, (_, index) => `scope=s${index}`).join('&'),
        'a scope with a quote': 'scope=openid+%22x',
        'a scope with a control character': 'scope=openid+%01',
      }),
    )('refuses a start with %s on the form, rather than send an authorization request no server takes', async (_name, query) => {
      const answer = await browserAt().send({ method: 'GET', path: `/_mock/debugger/start?client=hrm&${query}`, headers: HTML });
      expect(answer.status).toBe(400);
      expect(validationMessages({ html: answer.text, url: emulator.issuer })).toEqual(['Scopes are names of printable ASCII (no quote or backslash), separated by spaces, at most 1000 characters in all.']);
    });

    it('answers odd callbacks and buttons of a signed-in run, never with a 5xx', async () => {
      const browser = browserAt();
      const identifier = await browser.follow(await browser.send({ method: 'GET', path: `/_mock/debugger/start?client=hrm&scope=openid+offline_access`, headers: HTML }));
      const uid = /\/interaction\/([^/?#]+)/.exec(identifier.url)![1]!;
      const post = (path: string, fields: Record<string, string>, html: string) =>
        browser.send({ method: 'POST', path, headers: { ...FORM, ...HTML }, body: new URLSearchParams({ __RequestVerificationToken: tokenOf(html), ...fields }).toString() });
      const password = await browser.follow(await post(`/interaction/${uid}`, { Username: 'olle.bar@example.se' }, identifier.text));
      const back = await browser.follow(await post(`/interaction/${uid}/password`, { Password: PASSWORD }, password.text));
      expect(back.url).toMatch(/\/_mock\/debugger\/result$/);
      expect(back.status).toBe(200);
      expect(await sweep(browser, debuggerCalls())).toEqual([]);
    });
  });
});
