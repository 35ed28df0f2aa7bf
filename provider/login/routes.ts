import { Router } from '@koa/router';
import type { LinkTokens, LoginLockout, TwoFactorAttempts } from '../accounts/index.js';
import type { AccountMails } from '../mail/index.js';
import type { RememberedDevices } from '../risk/index.js';
import type { SignInDecisions } from '../twofactor/index.js';
import { enrollmentRoutes } from './enrollment-routes.js';
import { forgotRoutes } from './forgot-routes.js';
import type { InteractionPages } from './interaction-pages.js';
import { interactionErrors } from './interaction-errors.js';
import { passwordRoutes } from './password-routes.js';
import { twoFactorRoutes } from './two-factor-routes.js';

export interface LoginDependencies {
  pages: InteractionPages;
  signIn: SignInDecisions;
  devices: RememberedDevices;
  attempts: TwoFactorAttempts;
  lockout: LoginLockout;
  tokens: LinkTokens;
  mails: AccountMails;
}

/** The interaction pages: identifier → password (or a mailed link) → 2FA code or enrollment → back to the app. */
export function loginRoutes(deps: LoginDependencies): Router {
  const router = new Router();
  router.use(interactionErrors());
  router.use(async (ctx, next) => {
    ctx.set('cache-control', 'no-store');
    await next();
  });
  passwordRoutes(router, deps);
  forgotRoutes(router, deps);
  twoFactorRoutes(router, deps);
  enrollmentRoutes(router, deps);
  return router;
}
