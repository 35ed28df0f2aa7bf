import type { Router } from '@koa/router';
import type { ClientMetadata } from 'oidc-provider';
import { currentTotp, type AccountRepository } from '../accounts/index.js';
import type { AcrSettings } from '../fixtures/index.js';
import { HttpError, onlyFields, optionalBoolean, optionalString, readJson, requiredString } from '../http/index.js';
import type { RiskOverrides } from '../risk/index.js';
import { clientKey, type Store } from '../store/index.js';
import { appPolicyOf, readAcrRequest, type DecisionLog, type TwoFactorGate } from '../twofactor/index.js';
import { parseRiskOverride } from './risk-request.js';


export interface TwoFactorControlDependencies {
  accounts: AccountRepository;
  gate: TwoFactorGate;
  overrides: RiskOverrides;
  decisions: DecisionLog;
  store: Store;
  acrSettings: () => Promise<AcrSettings>;
}

/** What QA needs for 2FA: force the network risk, read codes, and have every decision explained. */
export function twoFactorControlRoutes(router: Router, { accounts, gate, overrides, decisions, store, acrSettings }: TwoFactorControlDependencies): void {
  router.get('/risk', async (ctx) => {
    ctx.body = await overrides.get();
  });

  router.put('/risk', async (ctx) => {
    const override = parseRiskOverride(await readJson(ctx));
    await overrides.set(override);
    ctx.body = override;
  });

  router.get('/totp', async (ctx) => {
    const email = typeof ctx.query['email'] === 'string' ? ctx.query['email'] : '';
    if (email === '') throw new HttpError(400, 'invalid_request', 'email is required: GET /_mock/totp?email=<address>');
    const account = await accounts.findByEmail(email);
    if (!account) throw new HttpError(404, 'not_found', `no user has the e-mail ${email}`);
    if (!account.totpSecret) throw new HttpError(409, 'not_enrolled', `${account.email} has no authenticator (not enrolled in 2FA)`);
    const now = Math.floor(Date.now() / 1000);
    ctx.body = { code: await currentTotp(account.totpSecret, now), validForSeconds: 30 - (now % 30) };
  });

  router.post('/explain', async (ctx) => {
    const body = await readJson(ctx);
    onlyFields(body, ['email', 'clientId', 'acrValues', 'trustedNetwork', 'rememberedDevice']);
    const email = requiredString(body, 'email');
    const clientId = requiredString(body, 'clientId');
    const acrValues = optionalString(body, 'acrValues');
    const trustedNetwork = optionalBoolean(body, 'trustedNetwork');
    const rememberedDevice = optionalBoolean(body, 'rememberedDevice');

    const account = await accounts.findByEmail(email);
    if (!account) throw new HttpError(404, 'not_found', `no user has the e-mail ${email}`);
    const client = await store.get<ClientMetadata>(clientKey(clientId));
    if (!client) throw new HttpError(404, 'not_found', `no client has the id ${clientId}`);
    ctx.body = await gate.decide({
      stage: 'explain' as const,
      account,
      clientId,
      appPolicy: appPolicyOf(client),
      request: readAcrRequest({ acr_values: acrValues }, undefined, await acrSettings()),
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
