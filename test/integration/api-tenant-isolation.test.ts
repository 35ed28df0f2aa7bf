import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../provider/index.js';
import { apiClient, apiToken, mailClient } from '../support/api-client.js';
import { startTestEmulator } from '../support/emulator.js';

const T1 = 'tenant-ett';
const T2 = 'tenant-tva';
const fixtures = {
  tenants: [
    { id: T1, name: 'Ett AB', verifiedDomains: ['ett.se'] },
    { id: T2, name: 'Två AB', verifiedDomains: ['tva.se'] },
  ],
  clients: [{ clientId: 'hrm-api', clientSecret: 'api-secret', grantTypes: ['client_credentials'], scopes: ['connect:users'] }],
  users: [
    { email: 'anna@ett.se', password: 'Sommar2025!x', givenName: 'Anna', tenants: [T1] },
    { email: 'bo@ett.se', password: 'Sommar2025!x', givenName: 'Bo', tenants: [T1, T2] },
    { email: 'ingen@privat.se', password: 'Sommar2025!x', givenName: 'Ingen' },
  ],
};

/** The answer the API gives for an id or e-mail that exists nowhere: what another tenant's data must look like. */
const unknownUser = (what: string) => ({ status: 404, body: { error: 'user_not_found', error_description: `no user has the ${what}` } });

describe('tenant isolation in the provisioning API', () => {
  let emulator: RunningEmulator;
  type Api = ReturnType<typeof apiClient>;
  let t1: Api;
  let t2: Api;
  let global: Api;

  beforeAll(async () => {
    emulator = await startTestEmulator({ fixtures });
  });
  afterAll(() => emulator.close());
  beforeEach(async () => {
    await emulator.reset();
    t1 = apiClient(emulator, await apiToken(emulator, 'hrm-api', 'api-secret', { tenant_id: T1 }));
    t2 = apiClient(emulator, await apiToken(emulator, 'hrm-api', 'api-secret', { tenant_id: T2 }));
    global = apiClient(emulator, await apiToken(emulator, 'hrm-api', 'api-secret'));
  });

  const mailCount = async () => (await mailClient(emulator).messages())!.total;
  const userId = async (email: string) => (await global('GET', `/users?email=${encodeURIComponent(email)}`)).body.userId as string;
  const codeMailedTo = async (email: string) => /\b(\d{6})\b/.exec((await mailClient(emulator).latestTo(email))!.text)![1]!;

  describe('a token bound to one tenant, against a user of another', () => {
    it('does not find the user by id: 404, the same answer as for an id nobody has', async () => {
      const anna = await userId('anna@ett.se');
      expect(await t2('GET', `/users/${anna}`)).toEqual(unknownUser(`id ${anna}`));
      expect((await t1('GET', `/users/${anna}`)).body).toMatchObject({ email: 'anna@ett.se' });
    });

    it('does not find the user by e-mail: 404, the same answer as for an address nobody has', async () => {
      expect(await t2('GET', '/users?email=anna@ett.se')).toEqual(unknownUser('e-mail anna@ett.se'));
      expect(await t2('GET', '/users?email=nobody@ett.se')).toEqual(unknownUser('e-mail nobody@ett.se'));
      expect((await t1('GET', '/users?email=anna@ett.se')).status).toBe(200);
    });

    it('does not find a user who belongs to no tenant', async () => {
      expect(await t2('GET', '/users?email=ingen@privat.se')).toEqual(unknownUser('e-mail ingen@privat.se'));
    });

    it('sends the user no password-reset mail and no one-time link (404)', async () => {
      const anna = await userId('anna@ett.se');
      const before = await mailCount();
      expect(await t2('POST', `/users/${anna}/password-reset`)).toEqual(unknownUser(`id ${anna}`));
      expect(await t2('POST', `/users/${anna}/one-time-link`)).toEqual(unknownUser(`id ${anna}`));
      expect(await mailCount()).toBe(before);
      expect((await t1('POST', `/users/${anna}/password-reset`)).status).toBe(202);
    });

    it("does not remove the user's application link (404), which stays", async () => {
      const linked = await t1('POST', '/email-verifications', { email: 'carl@ett.se', delivery: 'code' });
      expect(linked.status).toBe(201);
      expect(await t2('DELETE', `/users/${linked.body.userId}/applications/hrm-api`)).toEqual(unknownUser(`id ${linked.body.userId}`));
      expect((await t1('GET', `/users/${linked.body.userId}`)).body.applications).toEqual([{ clientId: 'hrm-api', tenantId: T1, linkedAt: expect.any(String) }]);
    });
  });

  describe("a token bound to one tenant, against another tenant's verification", () => {
    it('does not find it by id (404), and cannot complete it even with the right code', async () => {
      const started = await t1('POST', '/email-verifications', { email: 'extern@privat.se', delivery: 'code' });
      expect(started.status).toBe(202);
      const code = await codeMailedTo('extern@privat.se');
      const notFound = { status: 404, body: { error: 'not_found', error_description: `no e-mail verification has the id ${started.body.id}` } };
      expect(await t2('GET', `/email-verifications/${started.body.id}`)).toEqual(notFound);
      expect(await t2('POST', `/email-verifications/${started.body.id}/verify`, { code })).toEqual(notFound);
      expect((await t1('GET', `/email-verifications/${started.body.id}`)).body.status).toBe('pending');
      const verified = await t1('POST', `/email-verifications/${started.body.id}/verify`, { code });
      expect(verified.body).toMatchObject({ status: 'verified', created: true });
      expect((await t1('GET', `/users/${verified.body.userId}`)).body.tenants).toEqual([T1]);
    });

    it('does not see a verification a global client started without a tenant', async () => {
      const started = await global('POST', '/email-verifications', { email: 'fri@privat.se', delivery: 'link' });
      expect((await t2('GET', `/email-verifications/${started.body.id}`)).status).toBe(404);
    });

    it('cannot start one for the other tenant, alone or in a batch (403 tenant_mismatch)', async () => {
      const mismatch = { error: 'tenant_mismatch', error_description: `the access token is for tenant ${T2}, not ${T1}` };
      expect(await t2('POST', '/email-verifications', { email: 'ny@ett.se', delivery: 'code', tenantId: T1 })).toEqual({ status: 403, body: mismatch });
      const batch = await t2('POST', '/email-verifications/batch', { items: [{ email: 'ny@ett.se', delivery: 'code', tenantId: T1 }] });
      expect(batch.body.results).toEqual([{ email: 'ny@ett.se', httpStatus: 403, ...mismatch }]);
      expect(await t1('GET', '/users?email=ny@ett.se')).toEqual(unknownUser('e-mail ny@ett.se'));
    });
  });

  it("does not show another tenant's domains (404, as for a tenant that does not exist)", async () => {
    expect(await t2('GET', `/tenants/${T1}/domains`)).toEqual({ status: 404, body: { error: 'tenant_not_found', error_description: `no tenant has the id ${T1}` } });
    expect((await t2('GET', `/tenants/${T2}/domains`)).body).toEqual({ tenantId: T2, verifiedDomains: ['tva.se'], allowedDomains: [] });
  });

  describe('a user who belongs to both tenants', () => {
    it("is seen by each tenant with that tenant's membership and links only", async () => {
      await t1('POST', '/email-verifications', { email: 'bo@ett.se', delivery: 'code' });
      const bo = await userId('bo@ett.se');
      const seenByT2 = await t2('GET', `/users/${bo}`);
      expect(seenByT2.body).toMatchObject({ email: 'bo@ett.se', tenants: [T2], applications: [] });
      expect((await t1('GET', `/users/${bo}`)).body).toMatchObject({ tenants: [T1], applications: [{ clientId: 'hrm-api', tenantId: T1 }] });
    });

    it("lets one tenant remove only its own link: the other tenant's link stays", async () => {
      const bo = await userId('bo@ett.se');
      await t1('POST', '/email-verifications', { email: 'bo@ett.se', delivery: 'code' });
      const started = await t2('POST', '/email-verifications', { email: 'bo@ett.se', delivery: 'code' });
      expect((await t2('POST', `/email-verifications/${started.body.id}/verify`, { code: await codeMailedTo('bo@ett.se') })).body).toMatchObject({ userId: bo, created: false });
      expect((await t2('DELETE', `/users/${bo}/applications/hrm-api`)).status).toBe(204);
      expect(await t2('DELETE', `/users/${bo}/applications/hrm-api`)).toEqual({ status: 404, body: { error: 'not_linked', error_description: 'bo@ett.se is not linked to hrm-api' } });
      expect((await t1('GET', `/users/${bo}`)).body.applications).toEqual([{ clientId: 'hrm-api', tenantId: T1, linkedAt: expect.any(String) }]);
    });
  });

  it('lets a token without a tenant (a global client) see every tenant', async () => {
    const anna = await userId('anna@ett.se');
    await t1('POST', '/email-verifications', { email: 'bo@ett.se', delivery: 'code' });
    expect((await global('GET', `/users/${anna}`)).body).toMatchObject({ email: 'anna@ett.se', tenants: [T1] });
    expect((await global('GET', '/users?email=bo@ett.se')).body).toMatchObject({ tenants: [T1, T2], applications: [{ clientId: 'hrm-api', tenantId: T1 }] });
    expect((await global('GET', `/tenants/${T1}/domains`)).status).toBe(200);
    const started = await t1('POST', '/email-verifications', { email: 'extern@privat.se', delivery: 'code' });
    expect((await global('GET', `/email-verifications/${started.body.id}`)).body.status).toBe('pending');
  });
});
