import type { Router } from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { hashEmergencyCode, newEmergencyCode } from '../accounts/index.js';
import { checkbox, readPageForm } from '../http/index.js';
import type { RememberedDevices } from '../risk/index.js';
import { ceremonyAnswerFields, credentialNameText, type WebAuthnCeremonies, type WebAuthnProblem } from '../webauthn/index.js';
import { stepPath, type Details, type InteractionPages, type PendingStep } from './interaction-pages.js';

const signInForm = z.object({ ...ceremonyAnswerFields, RememberCode: checkbox() });
const enrollForm = z.object({ ...ceremonyAnswerFields, Name: credentialNameText() });

export interface SecurityKeyRouteDependencies {
  pages: InteractionPages;
  devices: RememberedDevices;
  ceremonies: WebAuthnCeremonies;
}

/**
 * Security keys as the second factor, beside TOTP: chosen in the enrollment wizard (then the emergency
 * code, as after an authenticator app), and asked for at the 2FA step of a user who has one (amr
 * `hwk`). The code page stays one link away for a user who also has an authenticator app.
 */
export function securityKeyRoutes(router: Router, { pages, devices, ceremonies }: SecurityKeyRouteDependencies): void {
  const show = (ctx: Context, at: PendingStep, mode: 'sign-in' | 'enroll', problem?: WebAuthnProblem) =>
    pages.render(ctx, at.found, 'security-key', mode === 'enroll' ? '/enroll/security-key' : '/security-key', {
      mode,
      username: at.state.email,
      rememberCode: at.state.rememberDevice ?? false,
      codeUrl: mode === 'sign-in' && at.account.totpSecret ? stepPath(at.found.uid, '/two-factor') : undefined,
      backUrl: mode === 'enroll' ? stepPath(at.found.uid, '/enroll') : undefined,
      errors: problem ? [{ field: 'passkey-button', message: problem }] : [],
    });

  router.get('/interaction/:uid/security-key', async (ctx) => {
    const at = await pages.pendingStep(ctx, ['challenge']);
    if (at) await show(ctx, at, 'sign-in');
  });

  router.post('/interaction/:uid/security-key/options', async (ctx) => {
    const at = await pages.pendingStep(ctx, ['challenge']);
    if (at) ctx.body = await ceremonies.assertionOptions(at.found.uid, 'security-key', at.account);
  });

  router.post('/interaction/:uid/security-key', async (ctx) => {
    const at = await pages.pendingStep(ctx, ['challenge']);
    if (!at) return;
    const { fields: form } = await readPageForm(ctx, signInForm);
    if (!form) return show(ctx, at, 'sign-in', 'webauthnFailed');
    const state = { ...at.state, rememberDevice: form.RememberCode };
    const result = await ceremonies.verifyAssertion(form, at.found.uid, 'security-key', at.account);
    if (!result.ok) return show(ctx, { ...at, state }, 'sign-in', result.problem);
    if (state.rememberDevice) await devices.remember(ctx, at.account.sub);
    await pages.complete(ctx, at.found, result.account, true, state.firstFactor, 'hwk');
  });

  router.get('/interaction/:uid/enroll/security-key', async (ctx) => {
    const at = await pages.pendingStep(ctx, ['enroll', 'enroll-optional']);
    if (at) await show(ctx, at, 'enroll');
  });

  router.post('/interaction/:uid/enroll/security-key/options', async (ctx) => {
    const at = await pages.pendingStep(ctx, ['enroll', 'enroll-optional']);
    if (at) ctx.body = await ceremonies.registrationOptions(at.found.uid, at.account, 'security-key');
  });

  router.post('/interaction/:uid/enroll/security-key', async (ctx) => {
    const at = await pages.pendingStep(ctx, ['enroll', 'enroll-optional']);
    if (!at) return;
    const { fields: form } = await readPageForm(ctx, enrollForm);
    if (!form) return show(ctx, at, 'enroll', 'webauthnFailed');
    const result = await ceremonies.register(form, at.found.uid, at.account, 'security-key', form.Name);
    if (!result.ok) return show(ctx, at, 'enroll', result.problem);
    await showEmergencyCode(ctx, at.found, at);
  });

  /** As after setting up an authenticator app: the emergency code, shown once, then the sign-in completes with `hwk`. */
  async function showEmergencyCode(ctx: Context, found: Details, at: PendingStep): Promise<void> {
    const emergencyCode = newEmergencyCode();
    await pages.accounts.update(at.account.sub, (current) => ({ ...current, emergencyCodeHash: hashEmergencyCode(emergencyCode) }));
    await pages.states.save(found.uid, { ...at.state, secondFactor: 'hwk', emergencyCode: { code: emergencyCode, afterUse: false } });
    pages.go(ctx, found.uid, '/emergency-code');
  }
}
