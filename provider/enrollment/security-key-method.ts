import type { Context } from 'koa';
import * as z from 'zod';
import type { Account } from '../accounts/index.js';
import { readPageForm } from '../http/index.js';
import type { MessageKey } from '../i18n/index.js';
import { ceremonyAnswerFields, credentialNameText, credentialsOf, type StoredCredential, type WebAuthnCeremonies, type WebAuthnProblem } from '../webauthn/index.js';
import type { EnrollmentMethod, MethodMount } from './enrollment-method.js';
import type { Enrollee } from './enrollment-place.js';
import { schemaOnFirstUse } from '../http/schema-on-first-use.js';

const enrollForm = schemaOnFirstUse(() => z.object({ ...ceremonyAnswerFields(), Name: credentialNameText() }));

/** The account with `credential` among its credentials (it is already there, unless replacing a lost factor took it off). */
const withCredential = (account: Account, credential: StoredCredential): Account => ({
  ...account,
  webauthnCredentials: [...credentialsOf(account).filter((existing) => existing.id !== credential.id), credential],
});

/**
 * A security key (WebAuthn, cross-platform, no user verification): the browser registers it against
 * options from `<step>/options`, the ceremony bound to the enrollee's setup. A sign-in with it says
 * `amr` hwk.
 */
export function securityKeyMethod(ceremonies: WebAuthnCeremonies): EnrollmentMethod {
  return {
    step: '/security-key',
    choice: 'securityKeyChoice',
    mount<E extends Enrollee>({ router, place, flow, route, urlFor, otherChoices }: MethodMount<E>) {
      const show = (ctx: Context, enrollee: E, problem?: WebAuthnProblem | MessageKey) =>
        place.render(ctx, enrollee, 'enroll-security-key', {
          action: urlFor(enrollee),
          username: enrollee.account.email,
          lead: enrollee.lead,
          laterAction: enrollee.laterAction,
          otherChoices: otherChoices(enrollee),
          errors: problem ? [{ field: 'passkey-button', message: problem }] : [],
        });

      router.get(route, async (ctx) => {
        const enrollee = await place.enrollee(ctx);
        if (enrollee) await show(ctx, enrollee);
      });

      router.post(`${route}/options`, async (ctx) => {
        const enrollee = await place.enrollee(ctx);
        if (enrollee) ctx.body = await ceremonies.registrationOptions(enrollee.setupKey, enrollee.account, 'security-key');
      });

      router.post(route, async (ctx) => {
        const enrollee = await place.enrollee(ctx);
        if (!enrollee) return;
        const { fields: form, problem } = await readPageForm(ctx, enrollForm());
        // The form's own message (a name too long, say): not the ceremony's.
        if (problem) return show(ctx, enrollee, problem.message);
        const result = await ceremonies.register(form, enrollee.setupKey, enrollee.account, 'security-key', form.Name);
        if (!result.ok) return show(ctx, enrollee, result.problem);
        const emergencyCode = await flow.complete(enrollee, (account) => withCredential(account, result.credential));
        await place.enrolled(ctx, enrollee, emergencyCode, 'hwk');
      });
    },
  };
}
