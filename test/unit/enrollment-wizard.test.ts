import type { AddressInfo } from 'node:net';
import { Router } from '@koa/router';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountRepository, TwoFactorAttempts, type Account } from '../../provider/accounts/index.js';
import { authenticatorMethod, EnrollmentFlow, enrollmentWizard, type Enrollee, type EnrollmentMethod, type EnrollmentPlace } from '../../provider/enrollment/index.js';
import { hashEmergencyCode } from '../../provider/accounts/index.js';
import { MemoryStore } from '../../provider/store/index.js';
import { Clock } from '../../provider/time/index.js';
import { VISMA_FACTS } from '../../provider/config/index.js';
import { createGuardrails, generate } from 'otplib';

const account: Account = {
  sub: 'c0ffee00-0000-4000-8000-00000000000a',
  email: 'maja@fri.se',
  emailVerified: true,
  passwordHash: undefined,
  givenName: 'Maja',
  familyName: 'Fri',
  locale: 'sv-SE',
  tenants: [],
  totpSecret: undefined,
  emergencyCodeHash: undefined,
  lastLoginAt: undefined,
  passwordHistory: [],
  applications: [],
};

/** A second method as another module would add one: its own step, its own factor, the shared last step. */
const paperKey: EnrollmentMethod = {
  step: '/paper-key',
  choice: 'enrollWithAuthenticator',
  mount({ router, place, flow, route, otherChoices }) {
    router.get(route, async (ctx) => {
      const enrollee = await place.enrollee(ctx);
      if (enrollee) await place.render(ctx, enrollee, 'enroll', { method: 'paper-key', otherChoices: otherChoices(enrollee) });
    });
    router.post(route, async (ctx) => {
      const enrollee = await place.enrollee(ctx);
      if (!enrollee) return;
      const code = await flow.complete(enrollee, (current) => ({ ...current, totpSecret: 'PAPERPAPERPAPERPAPER' }));
      await place.enrolled(ctx, enrollee, code, 'otp');
    });
  },
};

describe('the enrollment wizard, mounted at a place with the methods it is given', () => {
  const clock = new Clock();
  const store = new MemoryStore(clock);
  const accounts = new AccountRepository(store);
  const flow = new EnrollmentFlow(store, accounts, new TwoFactorAttempts(store), clock);
  let base: string;
  let server: ReturnType<Koa['listen']>;

  beforeAll(async () => {
    await accounts.save(account);
    const place: EnrollmentPlace = {
      route: '/place/enroll',
      enrollee: async () => ({ account: (await accounts.findBySub(account.sub))!, setupKey: 'test', url: '/place/enroll', lead: 'enrollOptionalLead', laterAction: undefined }) satisfies Enrollee,
      render: async (ctx, _enrollee, page, data) => void (ctx.body = { page, ...data }),
      enrolled: async (ctx, _enrollee, emergencyCode) => void (ctx.body = { enrolled: true, emergencyCode }),
    };
    const router = new Router();
    enrollmentWizard(router, place, flow, [authenticatorMethod, paperKey]);
    server = new Koa().use(router.routes()).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  const get = async (path: string) => (await fetch(`${base}${path}`)).json() as Promise<Record<string, any>>;

  it('shows the authenticator app on its own page and offers every other method there as a choice', async () => {
    const page = await get('/place/enroll');
    expect(page).toMatchObject({ page: 'enroll', action: '/place/enroll', lead: 'enrollOptionalLead', otherChoices: [{ url: '/place/enroll/paper-key', label: 'enrollWithAuthenticator' }] });
    expect(page['qrCode']).toMatch(/^data:image\/png;base64,/);
  });

  it('keeps one setup per place key: the same secret on every visit until it is confirmed', async () => {
    expect((await get('/place/enroll'))['secret']).toBe((await get('/place/enroll'))['secret']);
  });

  it('says the setup expired, and shows a new one, when its code comes after the setup ran out', async () => {
    const shown = await get('/place/enroll');
    clock.setOffsetMs((VISMA_FACTS.twoFactor.setupSeconds + 60) * 1000);
    try {
      const code = await generate({ secret: String(shown['secret']).replace(/\s/g, ''), epoch: clock.nowSeconds(), guardrails: createGuardrails({ MIN_SECRET_BYTES: 10 }) });
      const answer = (await (await fetch(`${base}/place/enroll`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `AuthCode=${code}` })).json()) as Record<string, any>;
      expect(answer).toMatchObject({ page: 'enroll', errors: [{ field: 'AuthCode', message: 'enrollSetupExpired' }] });
      expect(answer['secret']).not.toBe(shown['secret']);
      expect((await accounts.findBySub(account.sub))!.totpSecret).toBeUndefined();
    } finally {
      clock.setOffsetMs(0);
    }
  });

  it("offers the authenticator on the other method's page, and gives the place a new emergency code that the account keeps when that method completes", async () => {
    expect(await get('/place/enroll/paper-key')).toMatchObject({ method: 'paper-key', otherChoices: [{ url: '/place/enroll', label: 'enrollWithAuthenticator' }] });
    const done = (await (await fetch(`${base}/place/enroll/paper-key`, { method: 'POST' })).json()) as { enrolled: boolean; emergencyCode: string };
    expect(done.enrolled).toBe(true);
    expect(await accounts.findBySub(account.sub)).toMatchObject({ totpSecret: 'PAPERPAPERPAPERPAPER', emergencyCodeHash: hashEmergencyCode(done.emergencyCode) });
  });
});
