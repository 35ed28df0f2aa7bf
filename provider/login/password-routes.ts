import type { Router } from '@koa/router';
import * as z from 'zod';
import { emailText, passwordText, verifyPassword, type LinkTokens, type LoginLockout } from '../accounts/index.js';
import { checkbox, choiceOf, readPageForm } from '../http/index.js';
import type { MessageKey } from '../i18n/index.js';
import { TWO_FACTOR_PROMPT } from '../oidc/index.js';
import type { SignInDecisions } from '../twofactor/index.js';
import { readEmailField } from './email.js';
import { stepPath, type InteractionPages } from './interaction-pages.js';
import { linkInvalid } from './forgot-routes.js';
import { takeParkedOneTimeToken } from './one-time-sign-in.js';
import { proceed, proceedAfterFirstFactor } from './proceed.js';
import { rememberEmailChoice, savedEmail } from './saved-email.js';
import { schemaOnFirstUse } from '../http/schema-on-first-use.js';

const identifierForm = schemaOnFirstUse(() => z.object({ Username: emailText(), SaveEmail: checkbox() }));

/** The page's script says whether this browser could make a passkey (`true`), or not (empty). */
const passwordForm = schemaOnFirstUse(() => z.object({ Password: passwordText('wrongCredentials'), PasskeyCapable: choiceOf(['true', '']).optional() }));

export interface PasswordRouteDependencies {
  pages: InteractionPages;
  signIn: SignInDecisions;
  lockout: LoginLockout;
  tokens: LinkTokens;
}

/**
 * Identifier first, then password, as on connect.visma.com. A failed step re-renders its own page
 * (200) with a validation summary; an unknown e-mail and a wrong password read the same. Eight wrong
 * passwords lock the account for 30 minutes.
 */
export function passwordRoutes(router: Router, { pages, signIn, lockout, tokens }: PasswordRouteDependencies): void {
  router.get('/interaction/:uid', async (ctx) => {
    const { found, state: remembered } = await pages.detailsAndState(ctx);
    if (found.prompt.name === 'consent') return pages.consent(ctx);

    // A one-time link opened in another browser: its token came along through Account Settings' sign-in.
    const parked = takeParkedOneTimeToken(ctx, found.params['client_id']);
    if (parked) {
      const linkAccount = await tokens.consume(parked, 'one-time-sign-in');
      // Used meanwhile (opened twice at once), its account gone or its password changed: the link does not work, as it says.
      if (!linkAccount) return linkInvalid(ctx);
      return proceedAfterFirstFactor(pages, signIn, ctx, found, { email: linkAccount.email, firstFactor: 'email' }, linkAccount);
    }

    // A signed-in session that only lacks the second factor (step-up, or a stricter app) is asked for that
    // alone, as the decision taken at authorize says. Sent back here later ("Not you?", or the authenticator
    // removed meanwhile), the user signs in afresh.
    const sessionAccount = found.session?.accountId ? await pages.accounts.findBySub(found.session.accountId) : undefined;
    const decided = found.prompt.name === TWO_FACTOR_PROMPT && !remembered ? signIn.takenAtAuthorize(found.prompt.details) : undefined;
    if (decided && sessionAccount) return proceed(pages, ctx, found, { email: sessionAccount.email }, sessionAccount, decided);

    const saved = savedEmail(ctx);
    const hint = remembered?.email ?? found.params['login_hint'] ?? sessionAccount?.email ?? saved ?? '';
    await pages.render(ctx, found, 'identifier', '', { username: hint, saveEmail: saved !== undefined });
  });

  router.post('/interaction/:uid', async (ctx) => {
    const found = await pages.details(ctx);
    const { fields, problem: refused } = await readPageForm(ctx, identifierForm());
    if (refused) return pages.render(ctx, found, 'identifier', '', { username: '', saveEmail: false, errors: [refused] });
    const { Username: username, SaveEmail: saveEmail } = fields;
    const { email, problem } = readEmailField(username);
    if (problem) return pages.render(ctx, found, 'identifier', '', { username, saveEmail, errors: [{ field: 'Username', message: problem }] });
    await rememberEmailChoice(ctx, email, saveEmail);
    await pages.states.save(found.uid, { email });
    pages.go(ctx, found.uid, '/password');
  });

  router.get('/interaction/:uid/password', async (ctx) => {
    const { found, state } = await pages.detailsAndState(ctx);
    if (!state) return pages.go(ctx, found.uid, '');
    await pages.render(ctx, found, 'password', '/password', { username: state.email, forgotUrl: stepPath(found.uid, '/forgot') });
  });

  router.post('/interaction/:uid/password', async (ctx) => {
    const { found, state } = await pages.detailsAndState(ctx);
    if (!state) return pages.go(ctx, found.uid, '');
    const rejected = (message: MessageKey) => pages.render(ctx, found, 'password', '/password', { username: state.email, forgotUrl: stepPath(found.uid, '/forgot'), errors: [{ field: 'Password', message }] });
    const { fields, problem } = await readPageForm(ctx, passwordForm());
    if (problem) return rejected(problem.message);
    const { Password: password, PasskeyCapable: passkeyCapable } = fields;
    if (password === '') return rejected('passwordRequired');

    const account = await pages.accounts.findByEmail(state.email);
    if (!account) return rejected('wrongCredentials');
    const attempt = await lockout.begin(account.sub);
    if (!attempt) return rejected('accountLocked');
    if (!(await verifyPassword(password, account.passwordHash))) return rejected((await attempt.failed()) ? 'accountLocked' : 'wrongCredentials');
    await attempt.succeeded();

    // The page's script says whether this browser could make a passkey: only then is one offered afterwards.
    // The next step stores this state (a 2FA page, the passkey offer), or the sign-in ends and forgets it.
    const signedIn = { ...state, firstFactor: 'pwd' as const, passkeyCapable: passkeyCapable === 'true' };
    await proceedAfterFirstFactor(pages, signIn, ctx, found, signedIn, account);
  });
}
