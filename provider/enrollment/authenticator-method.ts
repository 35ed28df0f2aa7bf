import type { Context } from 'koa';
import * as z from 'zod';
import { codeText, matchTotp, newTotpSecret, otpauthUri, qrCodeDataUrl } from '../accounts/index.js';
import { readPageForm } from '../http/index.js';
import type { MessageKey } from '../i18n/index.js';
import type { EnrollmentMethod, MethodMount } from './enrollment-method.js';
import type { Enrollee } from './enrollment-place.js';
import { schemaOnFirstUse } from '../http/schema-on-first-use.js';

const confirmForm = schemaOnFirstUse(() => z.object({ AuthCode: codeText('codeWrong') }));

/**
 * An authenticator app (TOTP): the QR code (made here, as an inline image) with the `otpauth://` URI
 * and the secret as text for those who cannot scan, confirmed with a code from the app in `AuthCode`.
 */
export const authenticatorMethod: EnrollmentMethod = {
  step: '',
  choice: 'enrollWithAuthenticator',
  mount<E extends Enrollee>({ router, place, flow, route, urlFor, otherChoices }: MethodMount<E>) {
    const secretOf = (enrollee: E) => flow.setup(enrollee.setupKey, () => newTotpSecret());

    async function show(ctx: Context, enrollee: E, secret: string, problem?: MessageKey) {
      const uri = await otpauthUri(enrollee.account.email, secret);
      await place.render(ctx, enrollee, 'enroll', {
        action: urlFor(enrollee),
        lead: enrollee.lead,
        laterAction: enrollee.laterAction,
        otherChoices: otherChoices(enrollee),
        qrCode: await qrCodeDataUrl(uri),
        uri,
        secret: secret.replace(/(.{4})/g, '$1 ').trim(),
        errors: problem ? [{ field: 'AuthCode', message: problem }] : [],
      });
    }

    router.get(route, async (ctx) => {
      const enrollee = await place.enrollee(ctx);
      if (enrollee) await show(ctx, enrollee, await secretOf(enrollee));
    });

    router.post(route, async (ctx) => {
      const enrollee = await place.enrollee(ctx);
      if (!enrollee) return;
      const secret = await flow.pendingSetup<string>(enrollee.setupKey);
      // The setup expired (or was never shown): a new one, saying why the code was not taken.
      if (secret === undefined) return show(ctx, enrollee, await secretOf(enrollee), 'enrollSetupExpired');
      const { fields, problem } = await readPageForm(ctx, confirmForm());
      if (problem) return show(ctx, enrollee, secret, problem.message);
      const code = fields.AuthCode;
      if (code === '') return show(ctx, enrollee, secret, 'codeRequired');
      const timeStep = await matchTotp(secret, code, flow.clock.nowSeconds());
      if (timeStep === undefined) return show(ctx, enrollee, secret, 'codeWrong');
      const emergencyCode = await flow.complete(enrollee, (account) => ({ ...account, totpSecret: secret }));
      await flow.useTimeStep(enrollee.account.sub, timeStep);
      await place.enrolled(ctx, enrollee, emergencyCode, 'otp');
    });
  },
};
