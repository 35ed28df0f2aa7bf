import type { KoaContextWithOIDC } from 'oidc-provider';
import { interactionPolicy } from 'oidc-provider';

/** Why a signed-in session is sent back to the login pages. */
export const REASONS = {
  twoFactor: 'two_factor',
  reauthenticate: 'password_reauthentication',
  accountUnavailable: 'account_unavailable',
} as const;

export interface LoginChecks {
  /** The request asks for the password again (acr_values `urn:idp:vismaconnect:method:pwd`). */
  reauthenticationRequested(ctx: KoaContextWithOIDC): Promise<boolean>;
  /** The 2FA decision for this session and request blocks the sign-in until a second factor is given. */
  twoFactorPending(ctx: KoaContextWithOIDC): Promise<boolean>;
}

const { Check, Prompt, base } = interactionPolicy;

/**
 * oidc-provider's login prompt, with the 2FA decision and password re-authentication as checks, so a
 * signed-in session meets them too (SSO, step-up). Its own essential-acr checks go: the 2FA decision
 * handles acr requests. `prompt=select_account` is honoured by the identifier page.
 */
export function createInteractionPolicy(checks: LoginChecks) {
  const policy = base();
  const login = policy.get('login')!;
  // The session's account was deleted or suspended since: sign in again (oidc-provider would otherwise fail on the missing account).
  login.checks.add(
    new Check(REASONS.accountUnavailable, 'the signed-in account can no longer sign in', (ctx) =>
      ctx.oidc.session?.accountId !== undefined && ctx.oidc.account === undefined ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT,
    ),
  );
  login.checks.remove('essential_acr');
  login.checks.remove('essential_acrs');
  login.checks.add(
    new Check(REASONS.reauthenticate, 'the request asks for the password again', async (ctx) =>
      ctx.oidc.result?.['login'] ? Check.NO_NEED_TO_PROMPT : checks.reauthenticationRequested(ctx),
    ),
  );
  login.checks.add(new Check(REASONS.twoFactor, 'a second factor is required', (ctx) => checks.twoFactorPending(ctx)));
  policy.add(new Prompt({ name: 'select_account', requestable: true }), 0);
  return policy;
}
