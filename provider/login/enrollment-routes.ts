import type { Router } from '@koa/router';
import type { Context } from 'koa';
import { hashEmergencyCode, matchTotp, newEmergencyCode, newTotpSecret, otpauthUri, qrCodeDataUrl, type TwoFactorAttempts } from '../accounts/index.js';
import { readForm } from '../http/index.js';
import type { MessageKey } from '../i18n/index.js';
import { stepPath, type Details, type InteractionPages, type PendingStep } from './interaction-pages.js';
import type { LoginState } from './login-state.js';

export interface EnrollmentRouteDependencies {
  pages: InteractionPages;
  attempts: TwoFactorAttempts;
}

/**
 * The enrollment wizard: QR code (made here, as an inline image) with the `otpauth://` URI and the
 * secret as text, confirmed with `AuthCode`; then the emergency code, shown once. When enrollment
 * is optional, "Remind me later" signs in with the password alone.
 */
export function enrollmentRoutes(router: Router, { pages, attempts }: EnrollmentRouteDependencies): void {
  /** The wizard's interaction, with the secret being set up made on first sight. */
  async function pending(ctx: Context): Promise<PendingStep | undefined> {
    const step = await pages.pendingStep(ctx, ['enroll', 'enroll-optional']);
    if (step && !step.state.pendingSecret) {
      step.state.pendingSecret = await newTotpSecret();
      await pages.states.save(step.found.uid, step.state);
    }
    return step;
  }

  async function show(ctx: Context, found: Details, state: LoginState, message?: MessageKey) {
    const uri = await otpauthUri(state.email, state.pendingSecret!);
    await pages.render(ctx, found, 'enroll', '/enroll', {
      optional: state.decision?.outcome === 'enroll-optional',
      laterAction: state.decision?.outcome === 'enroll-optional' ? stepPath(found.uid, '/enroll/later') : undefined,
      securityKeyUrl: stepPath(found.uid, '/enroll/security-key'),
      qrCode: await qrCodeDataUrl(uri),
      uri,
      secret: state.pendingSecret!.replace(/(.{4})/g, '$1 ').trim(),
      errors: message ? [{ field: 'AuthCode', message }] : [],
    });
  }

  router.get('/interaction/:uid/enroll', async (ctx) => {
    const at = await pending(ctx);
    if (at) await show(ctx, at.found, at.state);
  });

  router.post('/interaction/:uid/enroll', async (ctx) => {
    const at = await pending(ctx);
    if (!at) return;
    const { found, state, account } = at;
    const code = ((await readForm(ctx))['AuthCode'] ?? '').trim();
    if (code === '') return show(ctx, found, state, 'codeRequired');
    const timeStep = await matchTotp(state.pendingSecret!, code, Math.floor(Date.now() / 1000));
    if (timeStep === undefined) return show(ctx, found, state, 'codeWrong');

    const emergencyCode = newEmergencyCode();
    await pages.accounts.update(account.sub, (current) => ({ ...current, totpSecret: state.pendingSecret, emergencyCodeHash: hashEmergencyCode(emergencyCode) }));
    await attempts.forget(account.sub);
    await attempts.useTimeStep(account.sub, timeStep);
    const { pendingSecret: _done, ...rest } = state;
    await pages.states.save(found.uid, { ...rest, emergencyCode: { code: emergencyCode, afterUse: false } });
    pages.go(ctx, found.uid, '/emergency-code');
  });

  router.post('/interaction/:uid/enroll/later', async (ctx) => {
    const at = await pending(ctx);
    if (!at) return;
    if (at.state.decision?.outcome !== 'enroll-optional') return show(ctx, at.found, at.state);
    await pages.complete(ctx, at.found, at.account, false, at.state.firstFactor);
  });
}
