import type { Client, KoaContextWithOIDC } from 'oidc-provider';
import { spaceSeparated } from './space-separated.js';

/**
 * Visma Connect (IdentityServer) grants `offline_access` without `prompt=consent`, and Flex HRM relies
 * on it; oidc-provider follows OIDC Core strictly and drops the scope in its check_scope step. Extra
 * parameter validators run after that step (and for every request, present or not), so this one
 * puts the scope back when the client asked for it, may hold it and may use refresh tokens.
 */
export const OFFLINE_ACCESS_HOOK = 'x_mvc_offline_access';

export async function restoreOfflineAccess(ctx: KoaContextWithOIDC, _value: string | undefined, client: Client): Promise<void> {
  const params = ctx.oidc.params!;
  const requested = String(ctx.query['scope'] ?? '').split(' ');
  const granted = spaceSeparated(params['scope']);
  if (
    requested.includes('offline_access') &&
    !granted.includes('offline_access') &&
    spaceSeparated(params['response_type']).includes('code') &&
    client.grantTypeAllowed('refresh_token') &&
    (client.scope ?? '').split(' ').includes('offline_access')
  ) {
    params['scope'] = [...granted, 'offline_access'].filter(Boolean).join(' ');
  }
}
