import type { Context } from 'koa';
import type { Account } from '../accounts/index.js';
import type { RememberedDevices } from '../risk/index.js';
import { appPolicyOf, readAcrRequest, sessionTwoFactorAt, type ExplainedDecision, type TwoFactorGate } from '../twofactor/index.js';
import type { Details, InteractionPages } from './interaction-pages.js';

/**
 * The 2FA decision for this interaction: after the first factor (`password`: what the session did
 * before does not count), or for a signed-in session that lacks the second factor (`authorize`).
 */
export async function decideForSignIn(
  pages: InteractionPages,
  gate: TwoFactorGate,
  devices: RememberedDevices,
  ctx: Context,
  found: Details,
  stage: 'password' | 'authorize',
  account: Account,
): Promise<ExplainedDecision> {
  const clientId = String(found.params['client_id']);
  const client = await pages.provider.Client.find(clientId);
  return gate.decide({
    stage,
    account,
    clientId,
    appPolicy: appPolicyOf(client),
    request: readAcrRequest(found.params, essentialAcrClaim(found.params['claims']), await pages.acrSettings()),
    sessionTwoFactorAt: stage === 'authorize' ? sessionTwoFactorAt(found.session as { amr?: string[]; loginTs?: number } | undefined) : undefined,
    clientIp: ctx.ip,
    deviceId: devices.deviceId(ctx),
  });
}

/** The `claims` request parameter's `id_token.acr`, as oidc-provider keeps it (a JSON string). */
function essentialAcrClaim(value: unknown): { essential?: boolean; value?: string; values?: string[] } | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed = typeof value === 'string' ? JSON.parse(value) : value;
    return (parsed as { id_token?: { acr?: { essential?: boolean; value?: string; values?: string[] } } })?.id_token?.acr;
  } catch {
    return undefined;
  }
}
