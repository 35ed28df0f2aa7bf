import type { Context } from 'koa';
import type { Account } from '../accounts/index.js';
import type { Decision } from '../policy/index.js';
import type { SignInDecisions } from '../twofactor/index.js';
import { hasSecurityKey } from '../webauthn/index.js';
import type { Details, InteractionPages, Step } from './interaction-pages.js';
import type { LoginState } from './login-state.js';

/** The 2FA page of the account's second factor: its security key when it has one, else the code page. */
export const challengeStep = (account: Account): Step => (hasSecurityKey(account) ? '/security-key' : '/two-factor');

/** Where a 2FA decision sends the user: straight through, to the code, or to the enrollment wizard. */
export async function proceed(pages: InteractionPages, ctx: Context, found: Details, state: LoginState, account: Account, decision: Decision): Promise<void> {
  if (account.suspended) return pages.refuseSuspended(ctx, found, account);
  if (decision.outcome === 'none') return pages.complete(ctx, found, account, false, state.firstFactor, undefined, state);
  await pages.states.save(found.uid, { ...state, sub: account.sub, email: account.email, decision });
  if (decision.outcome !== 'challenge') return pages.go(ctx, found.uid, '/enroll');
  pages.go(ctx, found.uid, challengeStep(account));
}

/** After the first factor (a password or a one-time link) the account is known: this sign-in's 2FA decision is taken now. */
export async function proceedAfterFirstFactor(pages: InteractionPages, signIn: SignInDecisions, ctx: Context, found: Details, state: LoginState, account: Account): Promise<void> {
  const clientId = String(found.params['client_id']);
  const client = await pages.provider.Client.find(clientId);
  const decision = await signIn.afterFirstFactor(ctx, { uid: found.uid, params: found.params, clientId, client, details: found.prompt.details }, account);
  await proceed(pages, ctx, found, state, account, decision);
}
