import type { Router } from '@koa/router';
import { guardedRouter, noStore, sameSiteForms } from '../http/index.js';
import type { EnrollmentFlow } from '../enrollment/index.js';
import type { LinkTokens, LoginLockout, TwoFactorAttempts } from '../accounts/index.js';
import type { AccountMails } from '../mail/index.js';
import type { RememberedDevices } from '../risk/index.js';
import type { SignInDecisions } from '../twofactor/index.js';
import { anotherWayRoutes } from './another-way-routes.js';
import type { WebAuthnCeremonies } from '../webauthn/index.js';
import { enrollmentRoutes } from './enrollment-routes.js';
import { forgotRoutes } from './forgot-routes.js';
import type { InteractionPages } from './interaction-pages.js';
import { interactionErrors } from './interaction-errors.js';
import { passkeyRoutes } from './passkey-routes.js';
import { passwordRoutes } from './password-routes.js';
import { securityKeyRoutes } from './security-key-routes.js';
import { twoFactorRoutes } from './two-factor-routes.js';

export interface LoginDependencies {
  issuer: string;
  pages: InteractionPages;
  signIn: SignInDecisions;
  devices: RememberedDevices;
  attempts: TwoFactorAttempts;
  lockout: LoginLockout;
  tokens: LinkTokens;
  mails: AccountMails;
  enrollment: EnrollmentFlow;
  ceremonies: WebAuthnCeremonies;
}

/**
 * The interaction pages: identifier → password (or a mailed link) → 2FA code or enrollment → back to
 * the app. Each form posts to its interaction's own URL, whose uid another site cannot know, and
 * oidc-provider's interaction cookie binds it to this browser: that is their protection against
 * forged posts. A post from another site's page is refused as well.
 */
export function loginRoutes(deps: LoginDependencies): Router {
  const router = guardedRouter(undefined, interactionErrors(), noStore(), sameSiteForms(deps.issuer));
  passwordRoutes(router, deps);
  forgotRoutes(router, deps);
  twoFactorRoutes(router, deps);
  anotherWayRoutes(router, deps);
  enrollmentRoutes(router, deps);
  passkeyRoutes(router, deps);
  securityKeyRoutes(router, deps);
  return router;
}
