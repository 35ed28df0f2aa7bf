import type { Router } from '@koa/router';
import type { Context } from 'koa';
import { verifyPassword, type Account } from '../accounts/index.js';
import { readForm } from '../http/index.js';
import type { MessageKey } from '../i18n/index.js';
import { REASONS } from '../oidc/index.js';
import type { AppPolicy } from '../policy/index.js';
import type { RememberedDevices } from '../risk/index.js';
import { readAcrRequest, sessionTwoFactorAt, type TwoFactorGate } from '../twofactor/index.js';
import { checkEmail } from './email.js';
import type { Details, InteractionPages } from './interaction-pages.js';
import { proceed } from './proceed.js';

export interface PasswordRouteDependencies {
  pages: InteractionPages;
  gate: TwoFactorGate;
  devices: RememberedDevices;
}

/**
 * Identifier first, then password, as on connect.visma.com. A failed step re-renders its own page
 * (200) with a validation summary; an unknown e-mail and a wrong password read the same.
 */
export function passwordRoutes(router: Router, { pages, gate, devices }: PasswordRouteDependencies): void {
  async function decide(ctx: Context, found: Details, stage: 'password' | 'authorize', account: Account) {
    const client = await pages.provider.Client.find(String(found.params['client_id']));
    return gate.decide({
      stage,
      account,
      clientId: String(found.params['client_id']),
      appPolicy: (client?.['twoFactor'] as AppPolicy | undefined) ?? 'default',
      request: readAcrRequest(found.params, essentialAcrClaim(found.params['claims']), await pages.acrSettings()),
      sessionTwoFactorAt: stage === 'authorize' ? sessionTwoFactorAt(found.session as { amr?: string[]; loginTs?: number } | undefined) : undefined,
      clientIp: ctx.ip,
      deviceId: devices.deviceId(ctx),
    });
  }

  router.get('/interaction/:uid', async (ctx) => {
    const found = await pages.details(ctx);
    if (found.prompt.name === 'consent') return pages.consent(ctx);

    // A signed-in session that only lacks the second factor (step-up, or a stricter app) is asked for that alone.
    const onlyTwoFactor = found.prompt.name === 'login' && found.prompt.reasons.every((reason) => reason === REASONS.twoFactor);
    const sessionAccount = found.session?.accountId ? await pages.accounts.findBySub(found.session.accountId) : undefined;
    if (onlyTwoFactor && sessionAccount) {
      const decision = await decide(ctx, found, 'authorize', sessionAccount);
      return proceed(pages, ctx, found, { email: sessionAccount.email }, sessionAccount, decision);
    }

    const remembered = await pages.states.get(found.uid);
    const hint = remembered?.email ?? found.params['login_hint'] ?? sessionAccount?.email ?? '';
    await pages.render(ctx, found, 'identifier', '', { username: hint });
  });

  router.post('/interaction/:uid', async (ctx) => {
    const found = await pages.details(ctx);
    const { Username: username = '' } = await readForm(ctx);
    const problem = checkEmail(username);
    if (problem) return pages.render(ctx, found, 'identifier', '', { username, errors: [{ field: 'Username', message: problem }] });
    await pages.states.save(found.uid, { email: username.trim() });
    pages.go(ctx, found.uid, '/password');
  });

  router.get('/interaction/:uid/password', async (ctx) => {
    const found = await pages.details(ctx);
    const state = await pages.states.get(found.uid);
    if (!state) return pages.go(ctx, found.uid, '');
    await pages.render(ctx, found, 'password', '/password', { username: state.email });
  });

  router.post('/interaction/:uid/password', async (ctx) => {
    const found = await pages.details(ctx);
    const state = await pages.states.get(found.uid);
    if (!state) return pages.go(ctx, found.uid, '');
    const { Password: password = '' } = await readForm(ctx);
    const rejected = (message: MessageKey) => pages.render(ctx, found, 'password', '/password', { username: state.email, errors: [{ field: 'Password', message }] });
    if (password === '') return rejected('passwordRequired');

    const account = await pages.accounts.findByEmail(state.email);
    if (!account || !(await verifyPassword(password, account.passwordHash))) return rejected('wrongCredentials');

    await proceed(pages, ctx, found, state, account, await decide(ctx, found, 'password', account));
  });
}

/** The `claims` request parameter's `id_token.acr`, as oidc-provider keeps it (a JSON string). */
function essentialAcrClaim(value: unknown): { essential?: boolean; value?: string; values?: string[] } | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed = typeof value === 'string' ? JSON.parse(value) : value;
    return (parsed as { id_token?: { acr?: { essential?: boolean; value?: string; values?: string[] } } })?.id_token?.acr;
  } catch {
    return undefined;
  }
}
