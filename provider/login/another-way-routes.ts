import type { Router } from '@koa/router';
import type { Context } from 'koa';
import * as z from 'zod';
import { codeText, looksLikeEmergencyCode, useEmergencyCode, type Account, type TwoFactorAttempts } from '../accounts/index.js';
import { choiceOf, readPageForm } from '../http/index.js';
import type { MessageKey } from '../i18n/index.js';
import { hasSecurityKey } from '../webauthn/index.js';
import { stepPath, type InteractionPages, type PendingStep, type Step } from './interaction-pages.js';
import { challengeStep } from './proceed.js';
import { schemaOnFirstUse } from '../http/schema-on-first-use.js';

const emergencyCodeForm = schemaOnFirstUse(() => z.object({ AuthCode: codeText('emergencyCodeWrong') }));
const lostAuthenticatorForm = schemaOnFirstUse(() => z.object({ Choice: choiceOf(['lost', 'kept'], 'lostAuthenticatorChoose') }));

export interface AnotherWayRouteDependencies {
  pages: InteractionPages;
  attempts: TwoFactorAttempts;
}

/** A second factor "Try another way" offers, when the account has it. */
interface SecondFactorChoice {
  step: Step;
  label: MessageKey;
  offeredTo(account: Account): boolean;
}

/** What "Try another way" lists, in this order: the security key first, as on connect.visma.com. */
const SECOND_FACTOR_CHOICES: readonly SecondFactorChoice[] = [
  { step: '/security-key', label: 'useSecurityKey', offeredTo: hasSecurityKey },
  { step: '/two-factor', label: 'useAuthenticatorCode', offeredTo: (account) => account.totpSecret !== undefined },
  { step: '/use-emergency-code', label: 'useEmergencyCode', offeredTo: (account) => account.emergencyCodeHash !== undefined },
];

/**
 * "Try another way" on the code page and the security-key page, as on connect.visma.com: the user
 * picks another second factor, such as the one-time emergency code. Signed in with it, the user is
 * asked whether the authenticator (app or security key) is lost: lost, the enrollment wizard sets up
 * a new one (the old ones stop working) and ends with a new emergency code; kept, the new emergency
 * code (the used one is spent) is shown and the sign-in completes. Either way the tokens say `amr` pwd, otp, mfa: Visma documents no value of its own for
 * the emergency code, which is a one-time code.
 */
export function anotherWayRoutes(router: Router, { pages, attempts }: AnotherWayRouteDependencies): void {
  router.get('/interaction/:uid/another-way', async (ctx) => {
    const at = await pages.pendingStep(ctx, ['challenge']);
    if (!at) return;
    const choices = SECOND_FACTOR_CHOICES.filter((choice) => choice.offeredTo(at.account)).map((choice) => ({ id: choice.step.slice(1), url: stepPath(at.found.uid, choice.step), label: choice.label }));
    await pages.render(ctx, at.found, 'another-way', '/another-way', { username: at.state.email, choices });
  });

  const showEmergencyForm = (ctx: Context, { found, state }: PendingStep, message?: MessageKey) =>
    pages.render(ctx, found, 'use-emergency-code', '/use-emergency-code', {
      username: state.email,
      anotherWayUrl: stepPath(found.uid, '/another-way'),
      errors: message ? [{ field: 'AuthCode', message }] : [],
    });

  router.get('/interaction/:uid/use-emergency-code', async (ctx) => {
    const at = await pages.pendingStep(ctx, ['challenge']);
    if (at) await showEmergencyForm(ctx, at);
  });

  // The emergency code counts against the same limit as authenticator codes: five wrong lock 2FA for 5 minutes.
  router.post('/interaction/:uid/use-emergency-code', async (ctx) => {
    const at = await pages.pendingStep(ctx, ['challenge']);
    if (!at) return;
    const { fields, problem } = await readPageForm(ctx, emergencyCodeForm());
    if (problem) return showEmergencyForm(ctx, at, problem.message);
    const code = fields.AuthCode;
    if (code === '') return showEmergencyForm(ctx, at, 'emergencyCodeRequired');
    const attempt = await attempts.begin(at.account.sub);
    if (!attempt) return showEmergencyForm(ctx, at, 'codeLocked');
    const replacement = looksLikeEmergencyCode(code) ? await useEmergencyCode(pages.accounts, at.account.sub, code) : undefined;
    if (!replacement) return showEmergencyForm(ctx, at, (await attempt.failed()) ? 'codeLocked' : 'emergencyCodeWrong');
    await attempt.succeeded();
    await pages.states.save(at.found.uid, { ...at.state, emergencyCode: { code: replacement, afterUse: true } });
    pages.go(ctx, at.found.uid, '/lost-authenticator');
  });

  /** The question after an emergency code: only for a sign-in that has just used one. */
  async function afterEmergencyCode(ctx: Context): Promise<PendingStep | undefined> {
    const at = await pages.pendingStep(ctx, ['challenge']);
    if (at && !at.state.emergencyCode?.afterUse) {
      pages.go(ctx, at.found.uid, challengeStep(at.account));
      return undefined;
    }
    return at;
  }

  /** Asked about the authenticator app, or about the security key of a user who has no app. */
  const showQuestion = (ctx: Context, { found, account }: PendingStep, unanswered = false) => {
    const keyOnly = account.totpSecret === undefined && hasSecurityKey(account);
    return pages.render(ctx, found, keyOnly ? 'lost-security-key' : 'lost-authenticator', '/lost-authenticator', {
      errors: unanswered ? [{ field: 'Choice', message: keyOnly ? 'lostSecurityKeyChoose' : 'lostAuthenticatorChoose' }] : [],
    });
  };

  router.get('/interaction/:uid/lost-authenticator', async (ctx) => {
    const at = await afterEmergencyCode(ctx);
    if (at) await showQuestion(ctx, at);
  });

  router.post('/interaction/:uid/lost-authenticator', async (ctx) => {
    const at = await afterEmergencyCode(ctx);
    if (!at) return;
    const { fields, problem } = await readPageForm(ctx, lostAuthenticatorForm());
    if (problem) return showQuestion(ctx, at, true);
    if (fields.Choice === 'kept') return pages.go(ctx, at.found.uid, '/emergency-code');
    await pages.states.save(at.found.uid, { ...at.state, replacingAuthenticator: true });
    pages.go(ctx, at.found.uid, '/enroll');
  });
}
