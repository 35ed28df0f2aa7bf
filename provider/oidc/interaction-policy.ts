import type { KoaContextWithOIDC, UnknownObject } from 'oidc-provider';
import { interactionPolicy } from 'oidc-provider';

/** Why a signed-in session is sent back to the login pages. */
const REASONS = {
  twoFactor: 'two_factor',
  reauthenticate: 'password_reauthentication',
  accountUnavailable: 'account_unavailable',
} as const;

/** The prompt of a signed-in session that the 2FA decision sends to the code page (or enrollment). */
export const TWO_FACTOR_PROMPT = 'two_factor';

export interface LoginChecks {
  /** What every interaction carries to the pages in its prompt's details: the request's acr, read once. */
  requestDetails(ctx: KoaContextWithOIDC): Promise<UnknownObject>;
  /** The request asks for the password again (acr_values `urn:idp:vismaconnect:method:pwd`). */
  reauthenticationRequested(ctx: KoaContextWithOIDC): Promise<boolean>;
  /** The 2FA decision for this session and request, as the prompt's details, when it stops the sign-in for a second factor. */
  twoFactorPending(ctx: KoaContextWithOIDC): Promise<UnknownObject | undefined>;
}

const { Check, Prompt, base } = interactionPolicy;

/**
 * oidc-provider's prompts, with password re-authentication as a login check and the 2FA decision as a
 * prompt of its own right after login, so a signed-in session meets them too (SSO, step-up).
 * oidc-provider runs every check of a prompt but stops at the first prompt that asks: as its own
 * prompt, the 2FA decision is taken only when the session will do for the login (not when no session,
 * prompt=login, max_age or a re-authentication send the user to the password, whose page decides).
 * The essential-acr checks go: the 2FA decision handles acr requests. `prompt=select_account` is
 * honoured by the identifier page.
 */
export function createInteractionPolicy(checks: LoginChecks) {
  const policy = base();
  const login = policy.get('login')!;
  // The session's account was deleted or suspended since: sign in again (oidc-provider would otherwise fail on the missing account).
  login.checks.add(
    new Check(REASONS.accountUnavailable, 'the signed-in account can no longer sign in', (ctx) => (ctx.oidc.session?.accountId !== undefined && ctx.oidc.account === undefined ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT)),
  );
  login.checks.remove('essential_acr');
  login.checks.remove('essential_acrs');
  login.checks.add(new Check(REASONS.reauthenticate, 'the request asks for the password again', async (ctx) => (ctx.oidc.result?.['login'] ? Check.NO_NEED_TO_PROMPT : checks.reauthenticationRequested(ctx))));

  // A check's details are asked for only after it said yes, so the decision it took is kept for them.
  const pending = new WeakMap<KoaContextWithOIDC, UnknownObject>();
  const twoFactor = new Check(
    REASONS.twoFactor,
    'a second factor is required',
    'login_required',
    async (ctx) => {
      const details = await checks.twoFactorPending(ctx);
      if (details) pending.set(ctx, details);
      return details !== undefined;
    },
    (ctx) => pending.get(ctx),
  );
  policy.add(new Prompt({ name: TWO_FACTOR_PROMPT }, twoFactor), policy.indexOf(login) + 1);
  policy.add(new Prompt({ name: 'select_account', requestable: true }), 0);

  for (const prompt of policy) {
    const own = prompt.details;
    prompt.details = async (ctx) => ({ ...(await own(ctx)), ...(await checks.requestDetails(ctx)) });
  }
  return policy;
}

/** What `prompt` may say, as discovery lists it: oidc-provider's own `none`, and the policy's prompts a request may name. */
export const PROMPT_VALUES: readonly string[] = [
  'none',
  ...createInteractionPolicy({ reauthenticationRequested: async () => false, twoFactorPending: async () => undefined, requestDetails: async () => ({}) })
    .filter((prompt) => prompt.requestable)
    .map((prompt) => prompt.name),
];
