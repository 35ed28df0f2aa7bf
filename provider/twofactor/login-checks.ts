import type { KoaContextWithOIDC } from 'oidc-provider';
import type { AccountRepository } from '../accounts/index.js';
import type { LoginChecks } from '../oidc/interaction-policy.js';
import { blocksSignIn } from '../policy/index.js';
import type { RememberedDevices } from '../risk/index.js';
import type { AcrSettings } from '../fixtures/index.js';
import { readAcrRequest, type EssentialAcrClaim } from './acr-request.js';
import { appPolicyOf, type TwoFactorGate } from './gate.js';
import { sessionTwoFactorAt } from './session-factors.js';

export interface LoginCheckDependencies {
  accounts: AccountRepository;
  gate: TwoFactorGate;
  devices: RememberedDevices;
  acrSettings: () => Promise<AcrSettings>;
}

function acrRequestOf(ctx: KoaContextWithOIDC, acr: AcrSettings) {
  const claim = (ctx.oidc.claims as { id_token?: { acr?: EssentialAcrClaim } } | undefined)?.id_token?.acr;
  return readAcrRequest(ctx.oidc.params ?? {}, claim, acr);
}

/** The checks oidc-provider runs on every authorization request that has a session. */
export function createLoginChecks({ accounts, gate, devices, acrSettings }: LoginCheckDependencies): LoginChecks {
  return {
    async reauthenticationRequested(ctx) {
      if (!ctx.oidc.session?.accountId) return false;
      return acrRequestOf(ctx, await acrSettings()).reauthenticate;
    },
    async twoFactorPending(ctx) {
      const { session, client } = ctx.oidc;
      if (!session?.accountId || !client) return false;
      const account = await accounts.findBySub(session.accountId);
      if (!account) return false;
      const decision = await gate.decide({
        stage: 'authorize',
        account,
        clientId: client.clientId,
        appPolicy: appPolicyOf(client),
        request: acrRequestOf(ctx, await acrSettings()),
        sessionTwoFactorAt: sessionTwoFactorAt(session as { amr?: string[]; loginTs?: number }),
        clientIp: ctx.ip,
        deviceId: devices.deviceId(ctx),
      });
      return blocksSignIn(decision);
    },
  };
}
