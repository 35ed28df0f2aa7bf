import type { Router } from '@koa/router';
import * as z from 'zod';
import { currentTotp, type AccountRepository } from '../accounts/index.js';
import { VISMA_FACTS } from '../config/index.js';
import type { Directory } from '../directory/index.js';
import { Conflict, InvalidRequest, NotFound, parseBody } from '../errors/index.js';
import { queryValue, readJson } from '../http/index.js';
import type { RiskOverrides } from '../risk/index.js';
import type { Clock } from '../time/index.js';
import { appPolicyOf, readAcrRequest, type DecisionLog, type TwoFactorGate } from '../twofactor/index.js';
import { parseRiskOverride } from './risk-request.js';
import { schemaOnFirstUse } from '../http/schema-on-first-use.js';

const TOTP_PERIOD = VISMA_FACTS.twoFactor.totp.periodSeconds;
const flag = schemaOnFirstUse(() => z.boolean({ error: 'must be true or false' }).optional());
const requiredText = schemaOnFirstUse(() => z.string({ error: 'is required (a string)' }).trim().min(1, { error: 'is required (a string)' }));

const explainSchema = schemaOnFirstUse(() =>
  z.strictObject({
    email: requiredText(),
    clientId: requiredText(),
    acrValues: z.string({ error: 'must be a string' }).optional(),
    trustedNetwork: flag(),
    rememberedDevice: flag(),
  }),
);

export interface TwoFactorControlDependencies {
  accounts: AccountRepository;
  gate: TwoFactorGate;
  overrides: RiskOverrides;
  decisions: DecisionLog;
  directory: Directory;
  clock: Clock;
}

/** What QA needs for 2FA: force the network risk, read codes, and have every decision explained. */
export function twoFactorControlRoutes(router: Router, { accounts, gate, overrides, decisions, directory, clock }: TwoFactorControlDependencies): void {
  router.get('/risk', async (ctx) => {
    ctx.body = await overrides.get();
  });

  router.put('/risk', async (ctx) => {
    const override = parseRiskOverride(await readJson(ctx));
    await overrides.set(override);
    ctx.body = override;
  });

  router.get('/totp', async (ctx) => {
    const usage = (reason: string) => new InvalidRequest(`${reason}: GET /_mock/totp?email=<address>`);
    const email = queryValue(ctx.query, 'email', usage);
    if (email === '') throw usage('email is required');
    const account = await accounts.findByEmail(email);
    if (!account) throw new NotFound(`no user has the e-mail ${email}`);
    if (!account.totpSecret) throw new Conflict(`${account.email} has no authenticator (not enrolled in 2FA)`, 'not_enrolled');
    const now = clock.nowSeconds();
    ctx.body = { code: await currentTotp(account.totpSecret, now), validForSeconds: TOTP_PERIOD - (now % TOTP_PERIOD) };
  });

  router.post('/explain', async (ctx) => {
    const { email, clientId, acrValues, trustedNetwork, rememberedDevice } = parseBody(explainSchema(), await readJson(ctx));

    const account = await accounts.findByEmail(email);
    if (!account) throw new NotFound(`no user has the e-mail ${email}`);
    const client = await directory.client(clientId);
    if (!client) throw new NotFound(`no client has the id ${clientId}`);
    ctx.body = await gate.decide({
      stage: 'explain' as const,
      account,
      clientId,
      signIn: {},
      appPolicy: appPolicyOf(client),
      request: readAcrRequest({ acr_values: acrValues }, undefined, await directory.acr()),
      sessionTwoFactorAt: undefined,
      clientIp: undefined,
      deviceId: undefined,
      risk: { trustedNetwork: trustedNetwork ?? false, rememberedDevice: rememberedDevice ?? false },
    });
  });

  router.get('/decisions', async (ctx) => {
    ctx.body = { decisions: await decisions.list() };
  });
}
