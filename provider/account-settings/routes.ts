import type { Router } from '@koa/router';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import * as z from 'zod';
import {
  hasSecondFactor,
  newPasswordFields,
  newPasswordProblems,
  hashPassword,
  passwordText,
  verifyPassword,
  withPasswordHash,
  withoutSecondFactors,
  type Account,
  type AccountRepository,
  type LoginLockout,
  type TwoFactorAttempts,
} from '../accounts/index.js';
import type { Directory } from '../directory/index.js';
import { enrollmentMethods, enrollmentWizard, type Enrollee, type EnrollmentFlow, type EnrollmentPlace } from '../enrollment/index.js';
import { guardedRouter, noStore, readPageForm, sameSiteForms, sendPage, type CsrfTokens } from '../http/index.js';
import { negotiateLanguage, type MessageKey } from '../i18n/index.js';
import type { AccountMails } from '../mail/index.js';
import { credentialsOf, type WebAuthnCeremonies } from '../webauthn/index.js';
import { mailChoice } from '../login/forgot-form.js';
import { credentialSettingsRoutes } from './credential-routes.js';
import type { AccountSettingsSessions } from './signed-in-sessions.js';
import { ACCOUNT_CALLBACK_PATH, ACCOUNT_PATH, ACCOUNT_SETTINGS_CLIENT_ID, signInUrl } from './internal-client.js';

const passwordForm = z.object({ CurrentPassword: passwordText('currentPasswordWrong'), ...newPasswordFields() });
const linksForm = z.object({ Choice: mailChoice() });

export interface AccountSettingsDependencies {
  provider: Provider;
  accounts: AccountRepository;
  attempts: TwoFactorAttempts;
  directory: Directory;
  issuer: string;
  mails: AccountMails;
  lockout: LoginLockout;
  passwordHashCost: number;
  formTokens: CsrfTokens;
  enrollment: EnrollmentFlow;
  ceremonies: WebAuthnCeremonies;
  sessions: AccountSettingsSessions;
}

/**
 * Account settings for the signed-in user: set up 2FA (an authenticator app or a security key) or
 * remove it (not when the e-mail domain requires it) and show a new emergency code. The session
 * cookie alone authenticates, and SameSite=Lax does not keep out a page on another localhost port:
 * every form carries a token bound to the session, and a post from another site is refused before that.
 */
export function accountSettingsRoutes({ provider, accounts, attempts, directory, issuer, mails, lockout, passwordHashCost, formTokens, enrollment, ceremonies, sessions }: AccountSettingsDependencies): Router {
  const sessionId = async (ctx: Context): Promise<string> => (ctx.state['sessionId'] ??= (await provider.Session.get(ctx)).jti);
  const back = { url: ACCOUNT_PATH, label: 'goToAccount' } as const;
  const router = guardedRouter(ACCOUNT_PATH, noStore(), sameSiteForms(issuer, back), formTokens.guard(sessionId, back));

  /**
   * The account of a session that signed in to Account Settings itself: a session made for another app
   * (one whose policy skipped 2FA, say) is sent through this app's sign-in first, where its own 2FA
   * decision is taken, as a second app is at Visma Connect. A suspended account is sent there too, and refused.
   */
  async function signedIn(ctx: Context): Promise<Account | undefined> {
    const session = await provider.Session.get(ctx);
    const signedInHere = session.accountId !== undefined && (await sessions.isSignedIn(session.uid, session.accountId));
    const account = signedInHere ? await accounts.findBySub(session.accountId!) : undefined;
    if (account && account.suspended !== true) return account;
    ctx.redirect(signInUrl(issuer, negotiateLanguage(ctx)));
    return undefined;
  }

  async function overview(ctx: Context, account: Account, notice?: MessageKey, problems: MessageKey[] = [], field = 'two-factor') {
    sendPage(ctx, 'account', {
      language: negotiateLanguage(ctx),
      email: account.email,
      hasPassword: account.passwordHash !== undefined,
      enrolled: hasSecondFactor(account),
      removable: !(await directory.domainRequiresTwoFactor(account)),
      credentials: credentialsOf(account),
      csrfToken: formTokens.tokenFor(await sessionId(ctx)),
      notice,
      errors: problems.map((message) => ({ field, message })),
    });
  }

  function showEmergencyCode(ctx: Context, code: string) {
    sendPage(ctx, 'emergency-code', { language: negotiateLanguage(ctx), code, afterUse: false, action: ACCOUNT_PATH, method: 'get' });
  }

  router.get('/', async (ctx) => {
    const account = await signedIn(ctx);
    if (account) await overview(ctx, account);
  });

  // Where the built-in client's sign-in comes back: its code, issued to this session's account, is the proof
  // that the sign-in (and its 2FA decision) is done. Used up here: it is never redeemed.
  router.get(ACCOUNT_CALLBACK_PATH.slice(ACCOUNT_PATH.length), async (ctx) => {
    const session = await provider.Session.get(ctx);
    const sent = ctx.query['code'];
    const code = typeof sent === 'string' ? await provider.AuthorizationCode.find(sent) : undefined;
    const issued = code as { consumed?: unknown; sessionUid?: unknown } | undefined;
    const forThisSession = issued?.sessionUid === undefined || issued.sessionUid === session.uid;
    if (session.accountId !== undefined && code?.clientId === ACCOUNT_SETTINGS_CLIENT_ID && code.accountId === session.accountId && forThisSession && issued?.consumed === undefined) {
      await code.destroy();
      await sessions.signedIn(session.uid, session.accountId);
    }
    ctx.redirect(ACCOUNT_PATH);
  });

  // Setting up 2FA is the sign-in's enrollment wizard, with the form token and no "Remind me later".
  const place: EnrollmentPlace = {
    route: '/two-factor/setup',
    async enrollee(ctx) {
      const account = await signedIn(ctx);
      if (!account) return undefined;
      if (hasSecondFactor(account)) {
        await overview(ctx, account, undefined, ['twoFactorAlreadyOn']);
        return undefined;
      }
      return { account, setupKey: `account:${account.sub}`, url: `${ACCOUNT_PATH}/two-factor/setup`, lead: 'enrollOptionalLead', laterAction: undefined } satisfies Enrollee;
    },
    render: async (ctx, _enrollee, page, data) => sendPage(ctx, page, { language: negotiateLanguage(ctx), csrfToken: formTokens.tokenFor(await sessionId(ctx)), ...data }),
    enrolled: async (ctx, _enrollee, emergencyCode) => showEmergencyCode(ctx, emergencyCode),
  };
  enrollmentWizard(router, place, enrollment, enrollmentMethods({ ceremonies }));

  router.post('/two-factor/remove', async (ctx) => {
    const account = await signedIn(ctx);
    if (!account) return;
    if (!hasSecondFactor(account)) return overview(ctx, account);
    if (await directory.domainRequiresTwoFactor(account)) return overview(ctx, account, undefined, ['twoFactorRequiredByDomain']);
    const removed = (await accounts.update(account.sub, withoutSecondFactors)) ?? withoutSecondFactors(account);
    await attempts.forget(account.sub);
    await overview(ctx, removed, 'twoFactorRemoved');
  });

  router.post('/emergency-code', async (ctx) => {
    const account = await signedIn(ctx);
    if (!account) return;
    if (!hasSecondFactor(account)) return overview(ctx, account, undefined, ['twoFactorOffNoEmergencyCode']);
    showEmergencyCode(ctx, await enrollment.reissueEmergencyCode(account.sub));
  });

  router.post('/password', async (ctx) => {
    const account = await signedIn(ctx);
    if (!account) return;
    const { fields: form, problem } = await readPageForm(ctx, passwordForm);
    if (problem) return overview(ctx, account, undefined, [problem.message], problem.field);
    if (account.passwordHash !== undefined) {
      // Guesses at the current password count as wrong passwords at sign-in do, toward the same lock.
      const attempt = await lockout.begin(account.sub);
      if (!attempt) return overview(ctx, account, undefined, ['accountLocked'], 'CurrentPassword');
      if (!(await verifyPassword(form.CurrentPassword, account.passwordHash))) {
        return overview(ctx, account, undefined, [(await attempt.failed()) ? 'accountLocked' : 'currentPasswordWrong'], 'CurrentPassword');
      }
      await attempt.succeeded();
    }
    const problems = await newPasswordProblems(account, form.Password, form.ConfirmPassword);
    if (problems.length) return overview(ctx, account, undefined, problems, 'Password');
    const passwordHash = await hashPassword(form.Password, passwordHashCost);
    // Changed only while the password the user proved is still the account's: of changes sent at once with
    // the same current password, one wins and the others are told it is no longer right.
    let proven = false;
    const changed = await accounts.update(account.sub, (current) => {
      proven = current.passwordHash === account.passwordHash;
      return proven ? withPasswordHash(current, passwordHash) : undefined;
    });
    if (!changed) return ctx.redirect(signInUrl(issuer, negotiateLanguage(ctx)));
    if (!proven) return overview(ctx, changed, undefined, ['currentPasswordWrong'], 'CurrentPassword');
    await lockout.unlock(account.sub);
    await overview(ctx, changed, 'passwordChangedNotice');
  });

  router.post('/links', async (ctx) => {
    const account = await signedIn(ctx);
    if (!account) return;
    const { fields, problem } = await readPageForm(ctx, linksForm);
    if (problem) return overview(ctx, account, undefined, [problem.message], problem.field);
    if (fields.Choice === 'link') await mails.oneTimeLink(account);
    else await mails.passwordReset(account);
    await overview(ctx, account, 'mailSentNotice');
  });

  credentialSettingsRoutes(router, { accounts, ceremonies, signedIn, sessionId, overview, domainRequiresTwoFactor: (account) => directory.domainRequiresTwoFactor(account) });
  return router;
}
