import type { Grant, KoaContextWithOIDC } from 'oidc-provider';

/**
 * Visma Connect shows no consent screen to first-party apps: the grant is created (or widened) with
 * whatever the client may ask for, so oidc-provider's consent prompt never stops a login.
 */
export async function loadOrCreateGrant(ctx: KoaContextWithOIDC): Promise<Grant | undefined> {
  const { client, session, provider } = ctx.oidc;
  if (!client || !session?.accountId) return undefined;
  const grantId = ctx.oidc.result?.['consent']?.grantId ?? session.grantIdFor(client.clientId);
  const existing = grantId ? await provider.Grant.find(grantId) : undefined;
  const grant = existing ?? new provider.Grant({ clientId: client.clientId, accountId: session.accountId });

  const scopes = [...ctx.oidc.requestParamOIDCScopes];
  const claims = [...ctx.oidc.requestParamClaims];
  const missingScopes = scopes.filter((scope) => !grant.getOIDCScope().split(' ').includes(scope));
  const missingClaims = claims.filter((claim) => !grant.getOIDCClaims().includes(claim));
  if (existing && missingScopes.length === 0 && missingClaims.length === 0) return existing;

  if (missingScopes.length) grant.addOIDCScope(missingScopes.join(' '));
  if (missingClaims.length) grant.addOIDCClaims(missingClaims);
  await grant.save();
  return grant;
}
