import { describe, expect, it } from 'vitest';
import { FixtureError, prepareFixtures, readFixtureFile } from '../../provider/fixtures/index.js';
import { parseFixtures } from '../../provider/fixtures/parse.js';
import { verifyPassword } from '../../provider/accounts/index.js';
import { DEFAULT_FIXTURES_PATH } from '../../provider/server.js';
import { startTestEmulator, writeFixtures } from '../support/emulator.js';

const parse = (yaml: string) => parseFixtures(yaml, 'test.yaml');

describe('the fixture file', () => {
  it('loads the demo fixtures: a tenant, the policy table apps, an API client and users', async () => {
    const fixtures = await readFixtureFile(DEFAULT_FIXTURES_PATH);
    expect(fixtures.tenants).toHaveLength(1);
    expect(fixtures.tenants[0]!.verifiedDomains).toEqual(['foretaget.se']);
    expect(fixtures.clients.map((c) => [c.clientId, c.twoFactor])).toEqual(
      expect.arrayContaining([
        ['flex-hrm', 'default'],
        ['bypass-app', 'bypass'],
        ['required-app', 'required'],
        ['adaptive-app', 'adaptive'],
      ]),
    );
    expect(fixtures.clients.find((c) => c.clientId === 'hrm-api')!.grantTypes).toEqual(['client_credentials']);
    expect(fixtures.users.filter((u) => u.totpSecret)).toHaveLength(1);
    expect(fixtures.clients.find((c) => c.clientId === 'hrm-public-api')!.scopes).toContain('publicapi:user:create');
    expect(fixtures.tenants[0]!.applications).toEqual(['flex-hrm']);
  });

  it('fills in the documented defaults', () => {
    const fixtures = parse('clients:\n  - clientId: app\n    redirectUris: [http://localhost/cb]\nusers:\n  - email: a@b.se\n');
    expect(fixtures.clients[0]).toMatchObject({
      grantTypes: ['authorization_code', 'refresh_token'],
      twoFactor: 'default',
      includeCoreIdentityClaims: false,
      refreshTokens: 'one-time',
    });
    expect(fixtures.users[0]).toMatchObject({ locale: 'sv-SE', tenants: [] });
  });

  it("fills in Visma Connect's refresh-token defaults: one-time with a 5 s grace, 14 days, not sliding", async () => {
    const [client] = (await prepareFixtures(parse('clients:\n  - clientId: app\n    redirectUris: [http://localhost/cb]\n'), 4)).clients;
    expect(client).toMatchObject({ refreshTokens: 'one-time', refreshTokenGraceSeconds: 5, refreshTokenLifetimeDays: 14 });
    expect(client).not.toHaveProperty('refreshTokenSlidingDays');
  });

  it('reads JSON as well as YAML', () => {
    expect(parse('{"domains":[{"name":"Foretaget.SE","twoFactor":"required"}]}').domains).toEqual([{ name: 'foretaget.se', twoFactor: 'required' }]);
  });

  it.each([
    ['an unknown top-level key', 'apps: []', 'test.yaml: unknown key "apps"'],
    ['an unknown key in a user', 'users:\n  - email: a@b.se\n    pasword: x', 'test.yaml: users[0]: unknown key "pasword"'],
    ['a malformed e-mail', 'users:\n  - email: not-an-address', 'test.yaml: users[0].email: must be an e-mail address'],
    ['a sub that is no UUID', 'users:\n  - email: a@b.se\n    sub: 42', 'test.yaml: users[0].sub: must be a UUID'],
    ['a bad 2FA policy on a client', 'clients:\n  - clientId: x\n    redirectUris: [http://l/cb]\n    twoFactor: sometimes', 'test.yaml: clients[0].twoFactor: must be one of default, bypass, adaptive, required'],
    ['a bad domain policy', 'domains:\n  - name: a.se\n    twoFactor: maybe', 'test.yaml: domains[0].twoFactor: must be optional or required'],
    ['a bad trusted network', 'tenants:\n  - id: t\n    name: T\n    trustedNetworks: [10.0.0.0/33]', 'test.yaml: tenants[0].trustedNetworks[0]: must be an IPv4 or IPv6 network in CIDR notation, such as 192.0.2.0/24'],
    ['a code client without redirect URIs', 'clients:\n  - clientId: x', 'test.yaml: clients[0].redirectUris: must list at least one URI for a client with the authorization_code grant'],
    ['client_credentials without a secret', 'clients:\n  - clientId: x\n    grantTypes: [client_credentials]', 'test.yaml: clients[0].clientSecret: is required for the client_credentials grant (a public client cannot authenticate)'],
    [
      'a resource server without a secret',
      'clients:\n  - clientId: x\n    redirectUris: [http://l/cb]\n    resourceServer: true',
      "test.yaml: clients[0].resourceServer: needs a clientSecret (introspecting other clients' tokens requires client authentication)",
    ],
    ['a relative redirect URI', 'clients:\n  - clientId: x\n    redirectUris: [/cb]', 'test.yaml: clients[0].redirectUris[0]: must be an absolute http(s) URL'],
    ['a user in an unknown tenant', 'users:\n  - email: a@b.se\n    tenants: [nope]', 'test.yaml: users[0].tenants[0]: no tenant has id "nope"'],
    ['the same e-mail twice, in other case', 'users:\n  - email: a@b.se\n  - email: A@B.se', 'test.yaml: users[1].email: "a@b.se" appears twice'],
    ['the same e-mail twice, its domain once in Unicode', 'users:\n  - email: a@xn--exmple-cua.se\n  - email: A@Exämple.se', 'test.yaml: users[1].email: "a@xn--exmple-cua.se" appears twice'],
    ['an e-mail with a non-ASCII local part', 'users:\n  - email: märta@example.se', 'test.yaml: users[0].email: must be an e-mail address'],
    ['the same client twice', 'clients:\n  - {clientId: x, redirectUris: [http://l/cb]}\n  - {clientId: x, redirectUris: [http://l/cb]}', 'test.yaml: clients[1].clientId: "x" appears twice'],
    ['a client without scopes', 'clients:\n  - clientId: x\n    redirectUris: [http://l/cb]\n    scopes: []', 'test.yaml: clients[0].scopes: must list at least one scope'],
    ['a short TOTP secret', 'users:\n  - email: a@b.se\n    totpSecret: ABC', 'test.yaml: users[0].totpSecret: must be at least 16 base32 characters (80 bits)'],
    ['a list where an object belongs', 'users: {email: a@b.se}', 'test.yaml: users: Invalid input: expected array, received object'],
    ['a refresh-token grace under 5 s', 'clients:\n  - {clientId: x, redirectUris: [http://l/cb], refreshTokenGraceSeconds: 4}', 'test.yaml: clients[0].refreshTokenGraceSeconds: must be at least 5 seconds'],
    ['a refresh-token grace over 60 s', 'clients:\n  - {clientId: x, redirectUris: [http://l/cb], refreshTokenGraceSeconds: 61}', 'test.yaml: clients[0].refreshTokenGraceSeconds: must be at most 60 seconds'],
    [
      'a grace for reusable refresh tokens',
      'clients:\n  - {clientId: x, redirectUris: [http://l/cb], refreshTokens: reuse, refreshTokenGraceSeconds: 10}',
      'test.yaml: clients[0].refreshTokenGraceSeconds: applies only to one-time refresh tokens (reuse never spends a token)',
    ],
    ['a refresh-token lifetime over a year', 'clients:\n  - {clientId: x, redirectUris: [http://l/cb], refreshTokenLifetimeDays: 366}', 'test.yaml: clients[0].refreshTokenLifetimeDays: must be at most 365 days'],
    ['a fractional lifetime', 'clients:\n  - {clientId: x, redirectUris: [http://l/cb], refreshTokenLifetimeDays: 1.5}', 'test.yaml: clients[0].refreshTokenLifetimeDays: must be a whole number of days'],
    [
      'a sliding window longer than the lifetime',
      'clients:\n  - {clientId: x, redirectUris: [http://l/cb], refreshTokenLifetimeDays: 7, refreshTokenSlidingDays: 8}',
      'test.yaml: clients[0].refreshTokenSlidingDays: must not exceed refreshTokenLifetimeDays (7)',
    ],
    [
      'the implicit grant without authorization_code',
      'clients:\n  - {clientId: x, clientSecret: s, redirectUris: [http://l/cb], grantTypes: [implicit]}',
      'test.yaml: clients[0].grantTypes: implicit (the hybrid and implicit response types) needs authorization_code beside it',
    ],
    ['a relative front-channel logout URI', 'clients:\n  - {clientId: x, redirectUris: [http://l/cb], frontchannelLogoutUri: /fcl}', 'test.yaml: clients[0].frontchannelLogoutUri: must be an absolute http(s) URL'],
    ['an application on a tenant that is no client', 'tenants:\n  - id: t\n    name: T\n    applications: [nope]', 'test.yaml: tenants[0].applications[0]: no client has clientId "nope"'],
    [
      'an application twice on a tenant',
      'clients:\n  - {clientId: app, redirectUris: [http://l/cb], roles: [Admin]}\ntenants:\n  - {id: t, name: T, applications: [app, app]}',
      'test.yaml: tenants[0].applications: must not name an application twice',
    ],
    ['a role twice on a client', 'clients:\n  - {clientId: app, redirectUris: [http://l/cb], roles: [Admin, Admin]}', 'test.yaml: clients[0].roles: must not name a role twice'],
    [
      'roles in a tenant the user is not in',
      'clients:\n  - {clientId: app, redirectUris: [http://l/cb], roles: [Admin]}\ntenants:\n  - {id: t, name: T, applications: [app]}\n  - {id: u, name: U}\nusers:\n  - {email: a@b.se, tenants: [u], applicationRoles: [{tenant: t, application: app, roles: [Admin]}]}',
      'test.yaml: users[0].applicationRoles[0].tenant: "t" is not one of this user\'s tenants',
    ],
    [
      'roles in an application not on the tenant',
      'clients:\n  - {clientId: app, redirectUris: [http://l/cb], roles: [Admin]}\ntenants:\n  - {id: t, name: T, applications: [app]}\n  - {id: u, name: U}\nusers:\n  - {email: a@b.se, tenants: [u], applicationRoles: [{tenant: u, application: app, roles: [Admin]}]}',
      'test.yaml: users[0].applicationRoles[0].application: "app" is not an application of tenant "u" (add it to the tenant\'s applications)',
    ],
    [
      'a role the application does not define',
      'clients:\n  - {clientId: app, redirectUris: [http://l/cb], roles: [Admin]}\ntenants:\n  - {id: t, name: T, applications: [app]}\n  - {id: u, name: U}\nusers:\n  - {email: a@b.se, tenants: [t], applicationRoles: [{tenant: t, application: app, roles: [Owner]}]}',
      'test.yaml: users[0].applicationRoles[0].roles[0]: "Owner" is not a role of app (its roles: Admin)',
    ],
    [
      'roles in one application on one tenant given twice',
      'clients:\n  - {clientId: app, redirectUris: [http://l/cb], roles: [Admin]}\ntenants:\n  - {id: t, name: T, applications: [app]}\n  - {id: u, name: U}\nusers:\n  - {email: a@b.se, tenants: [t], applicationRoles: [{tenant: t, application: app, roles: [Admin]}, {tenant: t, application: app, roles: []}]}',
      'test.yaml: users[0].applicationRoles[1]: the roles in "app" on "t" are given twice',
    ],
    ['an API client listing an unknown tenant', 'clients:\n  - {clientId: api, clientSecret: s, grantTypes: [client_credentials], tenants: [nope]}', 'test.yaml: clients[0].tenants[0]: no tenant has id "nope"'],
    [
      'a tenant list on a client without client_credentials',
      'tenants:\n  - {id: t, name: T}\nclients:\n  - {clientId: app, redirectUris: [http://l/cb], tenants: [t]}',
      'test.yaml: clients[0].tenants: applies only to clients with the client_credentials grant (the tenant_id of their tokens)',
    ],
  ])('rejects %s, naming file, path and reason', (_name, yaml, message) => {
    expect(() => parse(yaml)).toThrow(FixtureError);
    expect(() => parse(yaml)).toThrow(message);
  });

  it('rejects text that is not YAML, naming the file', () => {
    expect(() => parse('users: [\n  - email')).toThrow(/^test\.yaml: is not valid YAML or JSON: /);
  });

  it('names the file it cannot read', async () => {
    await expect(readFixtureFile('/nonexistent/fixtures.yaml')).rejects.toThrow('/nonexistent/fixtures.yaml: cannot be read (ENOENT)');
  });

  it('hashes passwords with scrypt at load, and gives each user a stable UUID sub', async () => {
    const fixtures = parse('users:\n  - email: Stina@Example.se\n    password: Hemligt&2025');
    const first = await prepareFixtures(fixtures, 4);
    const second = await prepareFixtures(fixtures, 4);
    const account = first.accounts[0]!;
    expect(account.passwordHash).toMatch(/^scrypt\$4\$/);
    expect(account.passwordHash).not.toContain('Hemligt');
    expect(await verifyPassword('Hemligt&2025', account.passwordHash)).toBe(true);
    expect(await verifyPassword('hemligt&2025', account.passwordHash)).toBe(false);
    expect(account.sub).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second.accounts[0]!.sub).toBe(account.sub);
  });

  it('hashes a password that users share once, and each other password apart', async () => {
    const yaml = ['users:', ...['a', 'b', 'c'].map((name) => `  - email: ${name}@example.se\n    password: ${name === 'c' ? 'Annat&2025' : 'Delat&2025'}`)].join('\n');
    const [a, b, c] = (await prepareFixtures(parse(yaml), 4)).accounts.map((account) => account.passwordHash);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect([await verifyPassword('Delat&2025', b), await verifyPassword('Annat&2025', c), await verifyPassword('Delat&2025', c)]).toEqual([true, true, false]);
  });

  it('stops the start when oidc-provider refuses a client, naming the client', async () => {
    await expect(startTestEmulator({ fixtures: { clients: [{ clientId: 'frag', redirectUris: ['http://localhost:3000/cb#x'] }] } })).rejects.toThrow(/fixtures\.yaml: clients\[0\]: frag: redirect_uris must not contain fragments/);
  });

  it('loads fixtures from a JSON file too', async () => {
    const path = writeFixtures({ domains: [{ name: 'a.se' }] }, 'fixtures.json');
    expect((await readFixtureFile(path)).domains).toEqual([{ name: 'a.se', twoFactor: 'optional' }]);
  });
});
