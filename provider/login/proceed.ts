import type { Context } from 'koa';
import type { Account } from '../accounts/index.js';
import type { Decision } from '../policy/index.js';
import type { SignInDecisions } from '../twofactor/index.js';
import type { Details, InteractionPages } from './interaction-pages.js';
import type { LoginState } from './login-state.js';

/** Where a 2FA decision sends the user: straight through, to the code, or to the enrollment wizard. */
export async function proceed(pages: InteractionPages, ctx: Context, found: Details, state: LoginState, account: Account, decision: Decision): Promise<void> {
  if (account.suspended) return pages.refuseSuspended(ctx, found, account);
  if (decision.outcome === 'none') return pages.complete(ctx, found, account, false, state.firstFactor);
  await pages.states.save(found.uid, { ...state, sub: account.sub, email: account.email, decision });
  pages.go(ctx, found.uid, decision.outcome === 'challenge' ? '/two-factor' : '/enroll');
}

/** After the first factor (a password or a one-time link) the account is known: this sign-in's 2FA decision is taken now. */
export async function proceedAfterFirstFactor(pages: InteractionPages, signIn: SignInDecisions, ctx: Context, found: Details, state: LoginState, account: Account): Promise<void> {
  const clientId = String(found.params['client_id']);
  const client = await pages.provider.Client.find(clientId);
  const decision = await signIn.afterFirstFactor(ctx, { uid: found.uid, clientId, client, details: found.prompt.details }, account);
  await proceed(pages, ctx, found, state, account, decision);
}
