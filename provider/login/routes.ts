import type { Router } from '@koa/router';
import { guardedRouter, noStore } from '../http/index.js';
import type { LinkTokens, LoginLockout, TwoFactorAttempts } from '../accounts/index.js';
import type { AccountMails } from '../mail/index.js';
import type { RememberedDevices } from '../risk/index.js';
import type { TwoFactorGate } from '../twofactor/index.js';
import { enrollmentRoutes } from './enrollment-routes.js';
import { forgotRoutes } from './forgot-routes.js';
import type { InteractionPages } from './interaction-pages.js';
import { interactionErrors } from './interaction-errors.js';
import { passwordRoutes } from './password-routes.js';
import { twoFactorRoutes } from './two-factor-routes.js';

export interface LoginDependencies {
  pages: InteractionPages;
  gate: TwoFactorGate;
  devices: RememberedDevices;
  attempts: TwoFactorAttempts;
  lockout: LoginLockout;
  tokens: LinkTokens;
  mails: AccountMails;
}

/** The interaction pages: identifier → password (or a mailed link) → 2FA code or enrollment → back to the app. */
export function loginRoutes(deps: LoginDependencies): Router {
  const router = guardedRouter(undefined, interactionErrors(), noStore());
  passwordRoutes(router, deps);
  forgotRoutes(router, deps);
  twoFactorRoutes(router, deps);
  enrollmentRoutes(router, deps);
  return router;
}
