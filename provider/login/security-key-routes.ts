import type { Router } from '@koa/router';
import type { Context } from 'koa';
import * as z from 'zod';
import { hasSecondFactor } from '../accounts/index.js';
import { checkbox, readPageForm } from '../http/index.js';
import type { RememberedDevices } from '../risk/index.js';
import { ceremonyAnswerFields, hasSecurityKey, type WebAuthnCeremonies, type WebAuthnProblem } from '../webauthn/index.js';
import { stepPath, type InteractionPages, type PendingStep } from './interaction-pages.js';
import { schemaOnFirstUse } from '../http/schema-on-first-use.js';

const signInForm = schemaOnFirstUse(() => z.object({ ...ceremonyAnswerFields(), RememberCode: checkbox() }));

export interface SecurityKeyRouteDependencies {
  pages: InteractionPages;
  devices: RememberedDevices;
  ceremonies: WebAuthnCeremonies;
}

/**
 * The 2FA step of a user who has a security key (amr `hwk`); "Try another way" leads to the user's
 * other second factors and the emergency code. Security keys are set up in the enrollment wizard.
 */
export function securityKeyRoutes(router: Router, { pages, devices, ceremonies }: SecurityKeyRouteDependencies): void {
  /** The security-key page's interaction; a user whose keys were deleted meanwhile goes to the code page, or starts over. */
  async function pending(ctx: Context): Promise<PendingStep | undefined> {
    const step = await pages.pendingStep(ctx, ['challenge']);
    if (step && !hasSecurityKey(step.account)) {
      pages.go(ctx, step.found.uid, hasSecondFactor(step.account) ? '/two-factor' : '');
      return undefined;
    }
    return step;
  }

  const show = (ctx: Context, at: PendingStep, problem?: WebAuthnProblem) =>
    pages.render(ctx, at.found, 'security-key', '/security-key', {
      username: at.state.email,
      rememberCode: at.state.rememberDevice ?? false,
      anotherWayUrl: stepPath(at.found.uid, '/another-way'),
      errors: problem ? [{ field: 'passkey-button', message: problem }] : [],
    });

  router.get('/interaction/:uid/security-key', async (ctx) => {
    const at = await pending(ctx);
    if (at) await show(ctx, at);
  });

  router.post('/interaction/:uid/security-key/options', async (ctx) => {
    const at = await pending(ctx);
    if (at) ctx.body = await ceremonies.assertionOptions(at.found.uid, 'security-key', at.account);
  });

  router.post('/interaction/:uid/security-key', async (ctx) => {
    const at = await pending(ctx);
    if (!at) return;
    const { fields: form } = await readPageForm(ctx, signInForm());
    if (!form) return show(ctx, at, 'webauthnFailed');
    const state = { ...at.state, rememberDevice: form.RememberCode };
    const result = await ceremonies.verifyAssertion(form, at.found.uid, 'security-key', at.account);
    if (!result.ok) return show(ctx, { ...at, state }, result.problem);
    if (state.rememberDevice) await devices.remember(ctx, at.account.sub);
    await pages.complete(ctx, at.found, result.account, true, state.firstFactor, 'hwk');
  });
}
