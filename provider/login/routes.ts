import { Router } from '@koa/router';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { errors, type InteractionResults } from 'oidc-provider';
import { verifyPassword, type AccountRepository } from '../accounts/index.js';
import { readForm, renderPage } from '../http/index.js';
import { negotiateLanguage, type MessageKey } from '../i18n/index.js';
import { ACR, AMR_PASSWORD, interactionPath } from '../oidc/index.js';
import { checkEmail } from './email.js';
import { interactionErrors } from './interaction-errors.js';
import type { LoginStates } from './login-state.js';

export interface LoginDependencies {
  provider: Provider;
  accounts: AccountRepository;
  states: LoginStates;
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

/**
 * Identifier first, then password, as on connect.visma.com. A failed step re-renders its own page
 * (200) with a validation summary; an unknown e-mail and a wrong password read the same.
 */
export function loginRoutes({ provider, accounts, states }: LoginDependencies): Router {
  const router = new Router();
  router.use(interactionErrors());
  router.use(async (ctx, next) => {
    ctx.set('cache-control', 'no-store');
    await next();
  });

  async function details(ctx: Context): Promise<Details> {
    const found = await provider.interactionDetails(ctx.req, ctx.res);
    if (found.uid !== ctx['params'].uid) throw new errors.SessionNotFound('interaction mismatch');
    return found;
  }

  async function page(ctx: Context, found: Details, name: 'identifier' | 'password', data: Record<string, unknown>) {
    const client = await provider.Client.find(String(found.params['client_id']));
    ctx.type = 'html';
    ctx.body = renderPage(name, {
      title: 'Sign in',
      language: negotiateLanguage(ctx, found.params['ui_locales']),
      clientName: client?.clientName ?? found.params['client_id'],
      action: `${interactionPath(found.uid)}${name === 'password' ? '/password' : ''}`,
      identifierUrl: interactionPath(found.uid),
      errors: [],
      ...data,
    });
  }

  async function finish(ctx: Context, result: InteractionResults, merge: boolean) {
    const redirectTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: merge });
    ctx.status = 303;
    ctx.redirect(redirectTo);
  }

  router.get('/interaction/:uid', async (ctx) => {
    const found = await details(ctx);
    if (found.prompt.name === 'consent') return finish(ctx, { consent: {} }, true);
    const remembered = await states.get(found.uid);
    const hint = remembered?.email ?? found.params['login_hint'] ?? '';
    await page(ctx, found, 'identifier', { username: hint });
  });

  router.post('/interaction/:uid', async (ctx) => {
    const found = await details(ctx);
    const { Username: username = '' } = await readForm(ctx);
    const problem = checkEmail(username);
    if (problem) return page(ctx, found, 'identifier', { username, errors: [{ field: 'Username', message: problem }] });
    await states.save(found.uid, { email: username.trim() });
    ctx.status = 303;
    ctx.redirect(`${interactionPath(found.uid)}/password`);
  });

  router.get('/interaction/:uid/password', async (ctx) => {
    const found = await details(ctx);
    const state = await states.get(found.uid);
    if (!state) return ctx.redirect(interactionPath(found.uid));
    await page(ctx, found, 'password', { username: state.email });
  });

  router.post('/interaction/:uid/password', async (ctx) => {
    const found = await details(ctx);
    const state = await states.get(found.uid);
    if (!state) return ctx.redirect(interactionPath(found.uid));
    const { Password: password = '' } = await readForm(ctx);
    const rejected = (message: MessageKey) => page(ctx, found, 'password', { username: state.email, errors: [{ field: 'Password', message }] });
    if (password === '') return rejected('passwordRequired');

    const account = await accounts.findByEmail(state.email);
    if (!account || !(await verifyPassword(password, account.passwordHash))) return rejected('wrongCredentials');

    await accounts.recordLogin(account.sub, Math.floor(Date.now() / 1000));
    await states.forget(found.uid);
    // Choosing the account on these pages also answers a requested prompt=select_account.
    await finish(ctx, { login: { accountId: account.sub, acr: ACR.password, amr: AMR_PASSWORD, remember: true }, select_account: {} }, false);
  });

  return router;
}
