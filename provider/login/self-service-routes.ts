import type { Router } from '@koa/router';
import type { Context } from 'koa';
import * as z from 'zod';
import { displayName, hashPassword, newPasswordFields, newPasswordProblems, withPasswordHash, type AccountRepository, type EmailVerification, type EmailVerifications, type LinkTokens, type LoginLockout } from '../accounts/index.js';
import { signInUrl } from '../account-settings/internal-client.js';
import { guardedRouter, noStore, readPageForm, sameSiteForms, sendPage, showMessage } from '../http/index.js';
import { negotiateLanguage, type MessageKey } from '../i18n/index.js';
import type { AccountMails } from '../mail/index.js';
import { readEmailField } from './email.js';
import { forgotForm } from './forgot-form.js';
import { linkInvalid } from './forgot-routes.js';
import { parkOneTimeToken } from './one-time-sign-in.js';
import { schemaOnFirstUse } from '../http/schema-on-first-use.js';

const setPasswordForm = schemaOnFirstUse(() => z.object(newPasswordFields()));

export interface SelfServiceDependencies {
  issuer: string;
  accounts: AccountRepository;
  tokens: LinkTokens;
  lockout: LoginLockout;
  mails: AccountMails;
  verifications: EmailVerifications;
  confirmVerification: (verification: EmailVerification) => Promise<unknown>;
  passwordHashCost: number;
}

/** The pages mailed links open, and "Forgot your password?" outside a sign-in (as in Account Settings). */
export function selfServiceRoutes(deps: SelfServiceDependencies): Router {
  const router = guardedRouter(undefined, noStore(), sameSiteForms(deps.issuer));

  const page = (ctx: Context, name: 'forgot' | 'check-inbox' | 'set-password', data: Record<string, unknown>) => sendPage(ctx, name, { language: negotiateLanguage(ctx), errors: [], backUrl: '/account', ...data });

  router.get('/forgot-password', (ctx) => page(ctx, 'forgot', { action: '/forgot-password', username: String(ctx.query['email'] ?? '') }));

  router.post('/forgot-password', async (ctx) => {
    const { fields, problem: refused } = await readPageForm(ctx, forgotForm());
    if (refused) return page(ctx, 'forgot', { action: '/forgot-password', username: '', errors: [refused] });
    const { Username: username, Choice: choice } = fields;
    const { email, problem } = readEmailField(username);
    if (problem) return page(ctx, 'forgot', { action: '/forgot-password', username, errors: [{ field: 'Username', message: problem }] });
    const account = await deps.accounts.findByEmail(email);
    if (account && choice === 'link') await deps.mails.oneTimeLink(account);
    else if (account) await deps.mails.passwordReset(account);
    page(ctx, 'check-inbox', { username: email });
  });

  router.get('/reset-password', async (ctx) => {
    const token = String(ctx.query['token'] ?? '');
    const account = await deps.tokens.peek(token, 'password-reset');
    if (!account) return linkInvalid(ctx);
    page(ctx, 'set-password', { action: `/reset-password?token=${encodeURIComponent(token)}`, username: account.email });
  });

  router.post('/reset-password', async (ctx) => {
    const token = String(ctx.query['token'] ?? '');
    const account = await deps.tokens.peek(token, 'password-reset');
    if (!account) return linkInvalid(ctx);
    const showProblems = (errors: { field: string; message: MessageKey }[]) => page(ctx, 'set-password', { action: `/reset-password?token=${encodeURIComponent(token)}`, username: account.email, errors });
    const { fields, problem } = await readPageForm(ctx, setPasswordForm());
    if (problem) return showProblems([{ field: 'Password', message: problem.message }]);
    const problems = await newPasswordProblems(account, fields.Password, fields.ConfirmPassword);
    if (problems.length) return showProblems(problems.map((message) => ({ field: 'Password', message })));
    if (!(await deps.tokens.consume(token, 'password-reset'))) return linkInvalid(ctx);
    const passwordHash = await hashPassword(fields.Password, deps.passwordHashCost);
    await deps.accounts.update(account.sub, (current) => withPasswordHash(current, passwordHash));
    await deps.lockout.unlock(account.sub);
    showMessage(ctx, { heading: 'passwordChangedTitle', lines: ['passwordChangedText'], link: { url: '/account', label: 'goToAccount' } });
  });

  // A one-time link asked for outside a sign-in (or opened in another browser) signs in to Account Settings.
  router.get('/one-time-link', async (ctx) => {
    const token = String(ctx.query['token'] ?? '');
    if (!(await deps.tokens.peek(token, 'one-time-sign-in'))) return linkInvalid(ctx);
    parkOneTimeToken(ctx, token);
    ctx.redirect(signInUrl(deps.issuer, negotiateLanguage(ctx), 'login'));
  });

  router.get('/verify-email', async (ctx) => {
    const token = String(ctx.query['token'] ?? '');
    const verification = await deps.verifications.findByLink(token);
    if (!verification) return linkInvalid(ctx);
    const status = deps.verifications.statusOf(verification);
    // An expired activation link offers a new one (DESIGN 4b), sent by a button: a prefetcher follows links.
    if (status === 'expired') return showMessage(ctx, { heading: 'verificationExpiredTitle', lines: ['verificationExpiredText'], form: { action: `/verify-email?token=${encodeURIComponent(token)}`, label: 'sendNewLink' }, status: 400 });
    if (status === 'pending') await deps.confirmVerification(verification);
    showMessage(ctx, { heading: 'emailVerifiedTitle', lines: ['emailVerifiedText', 'emailVerifiedCreatePassword'], vars: { email: verification.email }, link: { url: '/forgot-password', label: 'forgotLink' } });
  });

  router.post('/verify-email', async (ctx) => {
    const verification = await deps.verifications.findByLink(String(ctx.query['token'] ?? ''));
    const renewed = verification ? await deps.verifications.renew(verification) : undefined;
    if (!renewed) return linkInvalid(ctx);
    const account = await deps.accounts.findByEmail(renewed.verification.email);
    await deps.mails.verificationLink(renewed.verification, renewed.secret, account ? displayName(account) : renewed.verification.email);
    showMessage(ctx, { heading: 'checkInboxTitle', lines: ['newVerificationLinkSent'], vars: { email: renewed.verification.email } });
  });

  return router;
}
