import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectToMockVismaConnect, MockVismaConnectError, SignInError, startMockVismaConnect, UserAgent, withMockVismaConnect, type FixtureInput, type MockVismaConnect } from '../../provider/testing/index.js';
import { startTestEmulator } from '../support/emulator.js';

const ANNA = 'anna.svensson@foretaget.se';
/** The machine's time, read past Date: the emulator's clock must not move this process's Date. */
const realNow = () => performance.timeOrigin + performance.now();

describe('the testing library, as a test suite in another project would use it', () => {
  let connect: MockVismaConnect;
  beforeAll(async () => {
    connect = await startMockVismaConnect();
  });
  afterAll(() => connect.close());
  afterEach(() => connect.reset());

  it('signs a user in through the pages, 2FA code included, and returns verified tokens in one call', async () => {
    expect(connect.clients['flex-hrm']).toEqual({ clientId: 'flex-hrm', clientSecret: 'dev-secret', redirectUris: ['http://localhost:3000/signin-oidc'] });
    const tokens = await connect.signIn({ client: 'flex-hrm', user: ANNA, scope: 'openid profile email' });
    expect(tokens.claims).toMatchObject({ iss: connect.issuer, aud: 'flex-hrm', acr: '3', amr: ['pwd', 'otp', 'mfa'], email: ANNA });
    const userinfo = await fetch(`${connect.url}/connect/userinfo`, { headers: { authorization: `Bearer ${tokens.accessToken}` } });
    expect(await userinfo.json()).toMatchObject({ email: ANNA });
  });

  it('signs in again in the same browser without asking for the code when the device was remembered', async () => {
    const browser = new UserAgent();
    await connect.signIn({ client: 'flex-hrm', user: ANNA, remember: true, browser });
    const again = await connect.signIn({ client: 'flex-hrm', user: ANNA, prompt: 'login', browser });
    expect(again.claims).toMatchObject({ acr: '2', amr: ['pwd'] });
    expect((await connect.decisions()).at(-1)).toMatchObject({ email: ANNA, clientId: 'flex-hrm', outcome: 'none', input: { rememberedDevice: true } });
  });

  it('signs in to a public client (PKCE, no secret), enrolling on the way a user whose domain requires 2FA', async () => {
    const tokens = await connect.signIn({ client: 'public-spa', user: 'erik.johansson@foretaget.se' });
    expect(tokens.claims).toMatchObject({ aud: 'public-spa', acr: '3' });
    expect(await connect.totp('erik.johansson@foretaget.se')).toMatch(/^\d{6}$/);
  });

  it("gives the Public API's URL, where the demo Public API client reads the demo tenant", async () => {
    const token = await connect.clientCredentials({ client: 'hrm-public-api', scope: 'publicapi:tenant:read' });
    const tenants = await fetch(`${connect.publicApiUrl}/v1.0/tenants`, { headers: { authorization: `Bearer ${token.accessToken}` } });
    expect(((await tenants.json()) as { organization_name: string }[]).map((tenant) => tenant.organization_name)).toEqual(['Företaget AB']);
  });

  it('issues client_credentials tokens, and reads the mail the API sends', async () => {
    const token = await connect.clientCredentials({ client: 'hrm-api', scope: 'connect:users' });
    expect(token).toMatchObject({ expiresIn: 3600, scope: 'connect:users', idToken: undefined, refreshToken: undefined });
    await fetch(`${connect.url}/api/v1/email-verifications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'kalle@privat.se', delivery: 'code' }),
    });
    const mail = await connect.latestMail('kalle@privat.se');
    expect(mail.subject).toBe('Verifiera din e-postadress');
    expect(mail.code).toMatch(/^\d{6}$/);
  });

  it('catches the mail your own code sends over SMTP, and shows it in the MailHog API', async () => {
    const { createTransport } = await import('nodemailer');
    const smtp = createTransport({ host: '127.0.0.1', port: connect.mail!.smtpPort, secure: false, ignoreTLS: true });
    await smtp.sendMail({ from: 'hrm@foretaget.se', to: 'lena@foretaget.se', subject: 'Lönebesked', text: 'Ditt lönebesked finns i Flex HRM.' });
    expect(await connect.latestMail('lena@foretaget.se')).toMatchObject({ subject: 'Lönebesked', text: expect.stringContaining('Ditt lönebesked') });
    const listed = (await (await fetch(`${connect.mail!.apiUrl}/api/v2/messages`)).json()) as { total: number };
    expect(listed.total).toBe(1);
  });

  it('moves the one clock, and reset puts back the clock, the mails and the decisions', async () => {
    const before = await connect.clock.now();
    await connect.clock.advance(3600);
    expect((await connect.clock.now()).getTime() - before.getTime()).toBeGreaterThanOrEqual(3600 * 1000);
    await connect.clock.set('2030-01-31T08:00:00Z');
    expect((await connect.clock.now()).getUTCFullYear()).toBe(2030);
    await connect.signIn({ client: 'flex-hrm', user: ANNA });
    expect(await connect.decisions()).toContainEqual(expect.objectContaining({ email: ANNA, outcome: 'challenge', rule: 'required' }));

    await connect.reset();
    expect((await connect.clock.now()).getUTCFullYear()).toBeLessThan(2030);
    expect(await connect.decisions()).toEqual([]);
    await expect(connect.latestMail('kalle@privat.se')).rejects.toThrow(MockVismaConnectError);
  });

  it('says where a sign-in stopped and why', async () => {
    await expect(connect.signIn({ client: 'flex-hrm', user: ANNA, password: 'Fel&Fel2025' })).rejects.toThrow(SignInError);
    await expect(connect.signIn({ client: 'flex-hrm', user: ANNA, password: 'Fel&Fel2025' })).rejects.toThrow(/stopped at password: .+/);
    await expect(connect.signIn({ client: 'no-such-app', user: ANNA })).rejects.toThrow(/no client no-such-app in the fixtures/);
    await expect(connect.totp('erik.johansson@foretaget.se')).rejects.toMatchObject({ status: 409, error: 'not_enrolled' });
  });
});

describe('an emulator with fixtures of the test', () => {
  const fixtures: FixtureInput = {
    clients: [{ clientId: 'payroll', clientSecret: 's', redirectUris: ['http://localhost:4002/cb'], twoFactor: 'required', includeCoreIdentityClaims: true }],
    users: [{ email: 'olle@fri.se', password: 'Olle&Pass2025' }],
  };
  let ownTmp: string;
  const previousTmp = process.env['TMPDIR'];
  beforeAll(() => {
    ownTmp = mkdtempSync(join(tmpdir(), 'mvc-library-'));
    process.env['TMPDIR'] = ownTmp;
  });
  afterAll(() => {
    if (previousTmp === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = previousTmp;
  });

  it('runs a test in one call: the user enrolls as the app requires, and the temporary fixtures go with the emulator', async () => {
    const claims = await withMockVismaConnect({ fixtures }, async (connect) => {
      expect(readdirSync(ownTmp)).toHaveLength(1);
      return (await connect.signIn({ client: 'payroll', user: 'olle@fri.se' })).claims;
    });
    expect(claims).toMatchObject({ acr: '3', email: 'olle@fri.se' });
    expect(readdirSync(ownTmp)).toEqual([]);
  });

  it("stops the emulator and removes its files when the test fails, and never moves the process's clock", async () => {
    let url = '';
    const failing = withMockVismaConnect({ fixtures }, async (connect) => {
      url = connect.url;
      await connect.clock.advance(86_400);
      expect((await connect.clock.now()).getTime() - realNow()).toBeGreaterThan(86_000_000);
      expect(Date.now() - realNow()).toBeLessThan(60_000);
      throw new Error('the test failed');
    });
    await expect(failing).rejects.toThrow('the test failed');
    expect(readdirSync(ownTmp)).toEqual([]);
    expect(Date.now() - realNow()).toBeLessThan(60_000);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('refuses fixtures the emulator would refuse, and leaves no file behind', async () => {
    const bad = { clients: [{ clientId: 'payroll', twoFactor: 'sometimes' }] } as unknown as FixtureInput;
    await expect(startMockVismaConnect({ fixtures: bad })).rejects.toThrow(/clients\[0\]\.twoFactor: must be one of default, bypass, adaptive, required/);
    expect(readdirSync(ownTmp)).toEqual([]);
  });

  it('adds fixtures at run time and signs their users in', async () => {
    await withMockVismaConnect({ fixtures }, async (connect) => {
      await connect.addFixtures({ clients: [{ clientId: 'directory', clientSecret: 'd', redirectUris: ['http://localhost:4001/cb'], twoFactor: 'bypass' }] });
      expect((await connect.signIn({ client: 'directory', user: 'olle@fri.se' })).claims).toMatchObject({ acr: '2', amr: ['pwd'] });
    });
  });
});

describe('an emulator that runs elsewhere', () => {
  it('is driven by the same client over HTTP, with its control token', async () => {
    const fixtures: FixtureInput = { clients: [{ clientId: 'bypass', clientSecret: 'b', redirectUris: ['http://localhost:4001/cb'], twoFactor: 'bypass' }], users: [{ email: 'olle@fri.se', password: 'Olle&Pass2025' }] };
    const emulator = await startTestEmulator({ fixtures, settings: { controlToken: 'secret-token' } });
    try {
      const connect = await connectToMockVismaConnect({ url: emulator.url, controlToken: 'secret-token', fixtures });
      expect(connect.issuer).toBe(emulator.issuer);
      expect((await connect.signIn({ client: 'bypass', user: 'olle@fri.se' })).claims).toMatchObject({ acr: '2' });
      await connect.reset();
      const withoutToken = await connectToMockVismaConnect({ url: emulator.url, fixtures });
      await expect(withoutToken.reset()).rejects.toMatchObject({ status: 401 });
      await connect.close();
    } finally {
      await emulator.close();
    }
  });
});

describe('options a JavaScript caller gets wrong', () => {
  const start = startMockVismaConnect as (options: unknown) => Promise<MockVismaConnect>;
  const connectTo = connectToMockVismaConnect as (options: unknown) => Promise<MockVismaConnect>;

  it.each([
    [{ fixture: { users: [] } }, 'startMockVismaConnect: no option "fixture" (the options are fixtures, settings)'],
    ['fixtures.yaml', 'startMockVismaConnect: the options must be an object, not "fixtures.yaml"'],
    [{ fixtures: 42 }, 'startMockVismaConnect: fixtures must be a fixture object or the path of a fixture file, not 42'],
    [{ fixtures: [] }, 'startMockVismaConnect: fixtures must be a fixture object or the path of a fixture file, not a list'],
    [{ settings: { prot: 5080 } }, /^startMockVismaConnect: no setting "prot" \(the settings are port, host, /],
    [{ settings: { port: '5080' } }, 'startMockVismaConnect: settings.port must be a number, not "5080"'],
    [{ settings: { port: 70000 } }, 'startMockVismaConnect: settings.port must be a port number from 0 to 65535, not 70000'],
    [{ settings: { passwordHashCost: 2.5 } }, 'startMockVismaConnect: settings.passwordHashCost must be a whole number from 1 to 20 (scrypt N = 2^cost), not 2.5'],
    [{ settings: { issuer: 'http://localhost:5080/' } }, 'startMockVismaConnect: settings.issuer must not end with a slash (Visma Connect: https://connect.visma.com), not "http://localhost:5080/"'],
    [{ settings: { redisUrl: 'localhost:6379' } }, 'startMockVismaConnect: settings.redisUrl must be a URL starting with redis:// or rediss://, not "localhost:6379"'],
    [{ settings: { host: 127 } }, 'startMockVismaConnect: settings.host must be a string, not 127'],
    [{ settings: { host: undefined } }, 'startMockVismaConnect: settings.host must be given or left out (its default: "127.0.0.1"), not undefined'],
    [{ settings: { cookieKeys: ['a', ''] } }, 'startMockVismaConnect: settings.cookieKeys must be a list of non-empty texts without commas'],
    [{ settings: { constructor: Object } }, /^startMockVismaConnect: no setting "constructor"/],
    [{ settings: { store: 'postgres' } }, 'startMockVismaConnect: settings.store must be one of memory, redis, not "postgres"'],
    [{ settings: { trustProxy: 'yes' } }, 'startMockVismaConnect: settings.trustProxy must be true or false, not "yes"'],
    [{ settings: [] }, 'startMockVismaConnect: settings must be an object, not a list'],
  ])('refuses %j before starting anything, instead of an emulator on the demo fixtures', async (options, message) => {
    await expect(start(options)).rejects.toThrow(message);
  });

  it('refuses a connection without an http URL', async () => {
    await expect(connectTo({ url: 'localhost:5080' })).rejects.toThrow('connectToMockVismaConnect: url must be an http or https URL, not "localhost:5080"');
    await expect(connectTo({})).rejects.toThrow('connectToMockVismaConnect: url must be an http or https URL, not undefined');
    await expect(connectTo({ url: 'http://127.0.0.1:1', controlToken: 7 })).rejects.toThrow('connectToMockVismaConnect: controlToken must be a non-empty string');
  });

  it('refuses a test body that is not a function, before starting', async () => {
    await expect(withMockVismaConnect({}, 'not a function' as never)).rejects.toThrow("withMockVismaConnect: the second argument must be the test's function, not string");
  });

  it('says the emulator was closed when it is used afterwards, and closes once when closed twice', async () => {
    const connect = await startMockVismaConnect();
    await Promise.all([connect.close(), connect.close()]);
    await connect.close();
    await expect(connect.signIn({ client: 'flex-hrm', user: ANNA })).rejects.toThrow('signIn: this MockVismaConnect was closed; start or connect a new one');
    await expect(connect.clientCredentials({ client: 'hrm-api' })).rejects.toThrow('clientCredentials: this MockVismaConnect was closed');
    await expect(connect.reset()).rejects.toThrow('POST /_mock/reset: this MockVismaConnect was closed');
    await expect(connect.clock.advance(60)).rejects.toThrow('POST /_mock/clock: this MockVismaConnect was closed');
  });
});
