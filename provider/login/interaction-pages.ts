import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { Account, AccountRepository, SecondFactor } from '../accounts/index.js';
import type { AcrSettings } from '../fixtures/index.js';
import { sendPage, type PageName } from '../http/index.js';
import { negotiateLanguage } from '../i18n/index.js';
import { interactionPath } from '../oidc/index.js';
import type { Outcome } from '../policy/index.js';
import { realTime, type Clock } from '../time/index.js';
import { hasPasskey } from '../webauthn/index.js';
import { amrOf } from './amr.js';
import type { FirstFactor, LoginState, LoginStates } from './login-state.js';

/** An interaction in the middle of a 2FA step: the user is known and the decision sent them here. */
export interface PendingStep {
  found: Details;
  state: LoginState;
  account: Account;
}

export type Details = Awaited<ReturnType<Provider['interactionDetails']>>;
export type InteractionPage = Extract<
  PageName,
  | 'identifier'
  | 'password'
  | 'two-factor'
  | 'another-way'
  | 'use-emergency-code'
  | 'lost-authenticator'
  | 'lost-security-key'
  | 'enroll'
  | 'enroll-security-key'
  | 'emergency-code'
  | 'forgot'
  | 'check-inbox'
  | 'security-key'
  | 'passkey-offer'
>;
export type Step = '' | '/password' | '/two-factor' | '/another-way' | '/use-emergency-code' | '/lost-authenticator' | '/enroll' | '/enroll/later' | '/emergency-code' | '/forgot' | '/passkey' | '/passkey-offer' | '/security-key';

export const stepPath = (uid: string, step: Step): string => `${interactionPath(uid)}${step}`;

/** What every login step needs: the interaction, its pages, and how a sign-in ends. */
export class InteractionPages {
  constructor(
    readonly provider: Provider,
    readonly accounts: AccountRepository,
    readonly states: LoginStates,
    readonly acrSettings: () => Promise<AcrSettings>,
    readonly clock: Clock,
  ) {}

  async details(ctx: Context): Promise<Details> {
    const found = await this.provider.interactionDetails(ctx.req, ctx.res);
    if (found.uid !== (ctx['params'] as { uid?: string }).uid) throw new errors.SessionNotFound('interaction mismatch');
    return found;
  }

  /**
   * The interaction and its login state, read at once: the state is read under the uid in the path,
   * and used only once the interaction behind the browser's cookie is found to be that one.
   */
  async detailsAndState(ctx: Context): Promise<{ found: Details; state: LoginState | undefined }> {
    const uid = (ctx['params'] as { uid?: string }).uid;
    const [found, state] = await Promise.all([this.details(ctx), uid === undefined ? undefined : this.states.get(uid)]);
    return { found, state };
  }

  /** The interaction, if its decision is one of `outcomes`; otherwise the browser goes back to the start. */
  async pendingStep(ctx: Context, outcomes: Outcome[]): Promise<PendingStep | undefined> {
    const { found, state } = await this.detailsAndState(ctx);
    const account = state?.sub ? await this.accounts.findBySub(state.sub) : undefined;
    const outcome = state?.decision?.outcome;
    if (!state || !account || outcome === undefined || !outcomes.includes(outcome)) {
      this.go(ctx, found.uid, '');
      return undefined;
    }
    return { found, state, account };
  }

  async render(ctx: Context, found: Details, page: InteractionPage, step: Step, data: Record<string, unknown> = {}): Promise<void> {
    const client = await this.provider.Client.find(String(found.params['client_id']));
    sendPage(ctx, page, {
      language: negotiateLanguage(ctx, found.params['ui_locales']),
      clientName: client?.clientName ?? found.params['client_id'],
      action: stepPath(found.uid, step),
      identifierUrl: interactionPath(found.uid),
      errors: [],
      ...data,
    });
  }

  go(ctx: Context, uid: string, step: Step): void {
    ctx.status = 303;
    ctx.redirect(stepPath(uid, step));
  }

  /**
   * Ends the sign-in, unless a password sign-in in a browser that can make a passkey is first offered
   * one ("Tired of passwords?", until the user declines it once). `held`: the login state, when the
   * caller has it as it stands (otherwise it is read).
   */
  async complete(ctx: Context, found: Details, account: Account, withTwoFactor: boolean, firstFactor: FirstFactor = 'pwd', secondFactor: SecondFactor = 'otp', held?: LoginState): Promise<void> {
    const state = firstFactor === 'pwd' ? (held ?? (await this.states.get(found.uid))) : undefined;
    if (state?.passkeyCapable && !account.passkeyOfferDeclined && !hasPasskey(account)) {
      await this.states.save(found.uid, { ...state, sub: account.sub, pendingCompletion: { withTwoFactor, secondFactor } });
      return this.go(ctx, found.uid, '/passkey-offer');
    }
    await this.finish(ctx, found, account, withTwoFactor, firstFactor, secondFactor);
  }

  /** Ends the sign-in: the tokens will say which factors were used. Choosing the account also answers prompt=select_account. */
  async finish(ctx: Context, found: Details, account: Account, withTwoFactor: boolean, firstFactor: FirstFactor = 'pwd', secondFactor: SecondFactor = 'otp'): Promise<void> {
    // One instant for the sign-in: oidc-provider's login time (auth_time, on real time) and the account's
    // last login (llt, the emulator clock at that instant). Read apart, they could fall in two seconds.
    const loginTs = realTime.nowSeconds();
    // The sign-in is counted unless the account was suspended (through the Public API) while signing in.
    const [recorded, acr] = await Promise.all([this.accounts.recordLogin(account.sub, this.clock.toEmulatorSeconds(loginTs)), this.acrSettings(), this.states.forget(found.uid)]);
    if (recorded?.suspended) return this.refuseSuspended(ctx, found, account);
    const amr = amrOf(firstFactor, withTwoFactor, secondFactor);
    // Read again, not `found`: a concurrent request of this sign-in may have completed and consumed it.
    const redirectTo = await this.provider.interactionResult(
      ctx.req,
      ctx.res,
      {
        login: { accountId: account.sub, acr: amr.includes('mfa') ? acr.twoFactor : acr.password, amr, remember: true, ts: loginTs },
        select_account: {},
      },
      { mergeWithLastSubmission: false },
    );
    ctx.status = 303;
    ctx.redirect(redirectTo);
  }

  /** A suspended account cannot sign in, whatever its first factor: the sign-in starts over with a message. */
  async refuseSuspended(ctx: Context, found: Details, account: Account): Promise<void> {
    await this.states.forget(found.uid);
    await this.render(ctx, found, 'identifier', '', { username: account.email, errors: [{ field: 'Username', message: 'accountSuspended' }] });
  }

  /** The prompt=consent interaction needs no screen: the grant is made on the way back. */
  async consent(ctx: Context): Promise<void> {
    const redirectTo = await this.provider.interactionResult(ctx.req, ctx.res, { consent: {} }, { mergeWithLastSubmission: true });
    ctx.status = 303;
    ctx.redirect(redirectTo);
  }
}
