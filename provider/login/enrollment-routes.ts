import type { Router } from '@koa/router';
import type { Context } from 'koa';
import { enrollmentMethods, enrollmentWizard, type Enrollee, type EnrollmentFlow, type EnrollmentPlace } from '../enrollment/index.js';
import type { WebAuthnCeremonies } from '../webauthn/index.js';
import { stepPath, type PendingStep } from './interaction-pages.js';
import type { InteractionPages } from './interaction-pages.js';
import { challengeStep } from './proceed.js';

export interface EnrollmentRouteDependencies {
  pages: InteractionPages;
  enrollment: EnrollmentFlow;
  ceremonies: WebAuthnCeremonies;
}

interface SignInEnrollee extends Enrollee {
  step: PendingStep;
}

/**
 * The enrollment wizard inside a sign-in: where the 2FA decision asks for enrollment (not skippable
 * unless optional: then "Remind me later" signs in with the password alone), or where a user who
 * signed in with the emergency code has lost the authenticator. The emergency code follows, then the
 * sign-in completes with two factors.
 */
export function enrollmentRoutes(router: Router, { pages, enrollment, ceremonies }: EnrollmentRouteDependencies): void {
  async function pending(ctx: Context): Promise<PendingStep | undefined> {
    const step = await pages.pendingStep(ctx, ['enroll', 'enroll-optional', 'challenge']);
    if (step?.state.decision?.outcome === 'challenge' && !step.state.replacingAuthenticator) {
      pages.go(ctx, step.found.uid, challengeStep(step.account));
      return undefined;
    }
    return step;
  }

  const place: EnrollmentPlace<SignInEnrollee> = {
    route: '/interaction/:uid/enroll',
    async enrollee(ctx) {
      const step = await pending(ctx);
      if (!step) return undefined;
      const { found, state, account } = step;
      const optional = state.decision?.outcome === 'enroll-optional';
      return {
        step,
        account,
        setupKey: `interaction:${found.uid}`,
        url: stepPath(found.uid, '/enroll'),
        lead: state.replacingAuthenticator ? (account.totpSecret ? 'reenrollLead' : 'reenrollSecurityKeyLead') : optional ? 'enrollOptionalLead' : 'enrollRequiredLead',
        replacing: state.replacingAuthenticator === true,
        laterAction: optional ? stepPath(found.uid, '/enroll/later') : undefined,
      };
    },
    render: (ctx, { step }, page, data) => pages.render(ctx, step.found, page, '/enroll', data),
    async enrolled(ctx, { step }, emergencyCode, secondFactor) {
      const { replacingAuthenticator: _done, ...state } = step.state;
      await pages.states.save(step.found.uid, { ...state, secondFactor, emergencyCode: { code: emergencyCode, afterUse: false } });
      pages.go(ctx, step.found.uid, '/emergency-code');
    },
  };
  enrollmentWizard(router, place, enrollment, enrollmentMethods({ ceremonies }));

  router.post('/interaction/:uid/enroll/later', async (ctx) => {
    const at = await pending(ctx);
    if (!at) return;
    if (at.state.decision?.outcome !== 'enroll-optional') return pages.go(ctx, at.found.uid, '/enroll');
    await pages.complete(ctx, at.found, at.account, false, at.state.firstFactor);
  });
}
