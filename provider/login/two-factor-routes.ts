import type { Router } from '@koa/router';
import type { Context } from 'koa';
import * as z from 'zod';
import { codeText, hasSecondFactor, looksLikeEmergencyCode, matchTotp, useEmergencyCode, type TwoFactorAttempts } from '../accounts/index.js';
import { checkbox, readPageForm } from '../http/index.js';
import type { MessageKey } from '../i18n/index.js';
import type { RememberedDevices } from '../risk/index.js';
import { stepPath, type Details, type InteractionPages, type PendingStep } from './interaction-pages.js';
import type { LoginState } from './login-state.js';
import { schemaOnFirstUse } from '../http/schema-on-first-use.js';

const codeForm = schemaOnFirstUse(() => z.object({ AuthCode: codeText('codeWrong'), RememberCode: checkbox() }));

export interface TwoFactorRouteDependencies {
  pages: InteractionPages;
  attempts: TwoFactorAttempts;
  devices: RememberedDevices;
}

/**
 * The code page after the password (or for a signed-in session that lacks the second factor):
 * `AuthCode` takes the authenticator's 6 digits or the emergency code, `RememberCode` remembers the
 * device for 30 days; "Try another way" leads to the other second factors. Wrong codes re-render with a message; five in a row lock 2FA for 5 minutes; a
 * code is good once; the emergency code is good once and replaced by a new one shown right away.
 */
export function twoFactorRoutes(router: Router, { pages, attempts, devices }: TwoFactorRouteDependencies): void {
  /** The code page's interaction; a user without an authenticator app goes to the security key, or (none left) starts over. */
  async function pending(ctx: Context): Promise<PendingStep | undefined> {
    const step = await pages.pendingStep(ctx, ['challenge']);
    if (step && !step.account.totpSecret) {
      pages.go(ctx, step.found.uid, hasSecondFactor(step.account) ? '/security-key' : '');
      return undefined;
    }
    return step;
  }

  const show = (ctx: Context, found: Details, state: LoginState, message?: MessageKey) =>
    pages.render(ctx, found, 'two-factor', '/two-factor', {
      username: state.email,
      rememberCode: state.rememberDevice ?? false,
      anotherWayUrl: stepPath(found.uid, '/another-way'),
      errors: message ? [{ field: 'AuthCode', message }] : [],
    });

  router.get('/interaction/:uid/two-factor', async (ctx) => {
    const at = await pending(ctx);
    if (at) await show(ctx, at.found, at.state);
  });

  router.post('/interaction/:uid/two-factor', async (ctx) => {
    const at = await pending(ctx);
    if (!at) return;
    const { found, account } = at;
    const { fields, problem } = await readPageForm(ctx, codeForm());
    if (problem) return show(ctx, found, at.state, problem.message);
    const state = { ...at.state, rememberDevice: fields.RememberCode };
    const code = fields.AuthCode;

    if (code === '') return show(ctx, found, state, 'codeRequired');
    const attempt = await attempts.begin(account.sub);
    if (!attempt) return show(ctx, found, state, 'codeLocked');

    const timeStep = await matchTotp(account.totpSecret!, code, pages.clock.nowSeconds());
    if (timeStep !== undefined) {
      if (!(await attempts.useTimeStep(account.sub, timeStep))) return show(ctx, found, state, (await attempt.failed()) ? 'codeLocked' : 'codeReplayed');
      await attempt.succeeded();
      if (state.rememberDevice) await devices.remember(ctx, account.sub);
      return pages.complete(ctx, found, account, true, state.firstFactor);
    }

    const replacement = looksLikeEmergencyCode(code) ? await useEmergencyCode(pages.accounts, account.sub, code) : undefined;
    if (replacement) {
      await attempt.succeeded();
      if (state.rememberDevice) await devices.remember(ctx, account.sub);
      await pages.states.save(found.uid, { ...state, emergencyCode: { code: replacement, afterUse: true } });
      return pages.go(ctx, found.uid, '/emergency-code');
    }

    return show(ctx, found, state, (await attempt.failed()) ? 'codeLocked' : 'codeWrong');
  });

  router.get('/interaction/:uid/emergency-code', async (ctx) => {
    const { found, state } = await pages.detailsAndState(ctx);
    if (!state?.emergencyCode) return pages.go(ctx, found.uid, '');
    await pages.render(ctx, found, 'emergency-code', '/emergency-code', { code: state.emergencyCode.code, afterUse: state.emergencyCode.afterUse });
  });

  router.post('/interaction/:uid/emergency-code', async (ctx) => {
    const { found, state } = await pages.detailsAndState(ctx);
    const account = state?.sub ? await pages.accounts.findBySub(state.sub) : undefined;
    if (!state?.emergencyCode || !account) return pages.go(ctx, found.uid, '');
    await pages.complete(ctx, found, account, true, state.firstFactor, state.secondFactor);
  });
}
