import type { Router } from '@koa/router';
import type { Context } from 'koa';
import { errors } from 'oidc-provider';
import type { LinkTokens } from '../accounts/index.js';
import { readPageForm, showMessage } from '../http/index.js';
import type { AccountMails } from '../mail/index.js';
import type { SignInDecisions } from '../twofactor/index.js';
import { readEmailField } from './email.js';
import { forgotForm } from './forgot-form.js';
import { stepPath, type InteractionPages } from './interaction-pages.js';
import { proceedAfterFirstFactor } from './proceed.js';

export interface ForgotRouteDependencies {
  pages: InteractionPages;
  mails: AccountMails;
  tokens: LinkTokens;
  signIn: SignInDecisions;
}

/** "Forgot your password?" during a sign-in: a reset mail, or a one-time link that completes this sign-in. */
export function forgotRoutes(router: Router, { pages, mails, tokens, signIn }: ForgotRouteDependencies): void {
  router.get('/interaction/:uid/forgot', async (ctx) => {
    const { found, state } = await pages.detailsAndState(ctx);
    await pages.render(ctx, found, 'forgot', '/forgot', { username: state?.email ?? '', backUrl: stepPath(found.uid, state ? '/password' : '') });
  });

  router.post('/interaction/:uid/forgot', async (ctx) => {
    const found = await pages.details(ctx);
    const backUrl = stepPath(found.uid, '');
    const { fields, problem: refused } = await readPageForm(ctx, forgotForm());
    if (refused) return pages.render(ctx, found, 'forgot', '/forgot', { username: '', backUrl, errors: [refused] });
    const { Username: username, Choice: choice } = fields;
    const { email, problem } = readEmailField(username);
    if (problem) return pages.render(ctx, found, 'forgot', '/forgot', { username, backUrl, errors: [{ field: 'Username', message: problem }] });
    const account = await pages.accounts.findByEmail(email);
    if (account && choice === 'link') await mails.oneTimeLink(account, found.uid);
    else if (account) await mails.passwordReset(account);
    await pages.render(ctx, found, 'check-inbox', '/forgot', { username: email, backUrl });
  });

  router.get('/interaction/:uid/one-time-link', async (ctx) => {
    const token = String(ctx.query['token'] ?? '');
    let found;
    try {
      found = await pages.details(ctx);
    } catch (error) {
      // Opened in another browser (or after the sign-in ended): sign in to Account Settings instead.
      if (error instanceof errors.SessionNotFound) return ctx.redirect(`/one-time-link?token=${encodeURIComponent(token)}`);
      throw error;
    }
    const account = await tokens.consume(token, 'one-time-sign-in');
    if (!account) return linkInvalid(ctx);
    await proceedAfterFirstFactor(pages, signIn, ctx, found, { email: account.email, firstFactor: 'email' }, account);
  });
}

/** A mailed link that does not work (any more): the page says so and leads to where a new one is asked for. */
export function linkInvalid(ctx: Context): void {
  showMessage(ctx, { heading: 'linkInvalidTitle', lines: ['linkInvalidText'], link: { url: '/forgot-password', label: 'askForNewMail' }, status: 400 });
}
