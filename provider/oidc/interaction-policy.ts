import type { KoaContextWithOIDC } from 'oidc-provider';
import { interactionPolicy } from 'oidc-provider';

/** Why a signed-in session is sent back to the login pages. */
export const REASONS = {
  twoFactor: 'two_factor',
  reauthenticate: 'password_reauthentication',
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

/** What `prompt` may say, as discovery lists it: oidc-provider's own `none`, and the prompts of the policy. */
export const PROMPT_VALUES: readonly string[] = [
  'none',
  ...createInteractionPolicy({ reauthenticationRequested: async () => false, twoFactorPending: async () => false }).map((prompt) => prompt.name),
];
