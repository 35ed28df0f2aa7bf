import type { Router } from '@koa/router';
import type { WebAuthnCeremonies } from '../webauthn/index.js';
import { authenticatorMethod } from './authenticator-method.js';
import type { EnrollmentFlow } from './enrollment-flow.js';
import type { EnrollmentMethod } from './enrollment-method.js';
import type { Enrollee, EnrollmentPlace } from './enrollment-place.js';
import { securityKeyMethod } from './security-key-method.js';

export interface EnrollmentMethodDependencies {
  ceremonies: WebAuthnCeremonies;
}

/** The methods the wizard offers, the first being its own page: the authenticator app, then a security key. */
export const enrollmentMethods = ({ ceremonies }: EnrollmentMethodDependencies): readonly EnrollmentMethod[] => [authenticatorMethod, securityKeyMethod(ceremonies)];

/**
 * The one enrollment wizard, mounted at a place (a sign-in, Account Settings): every method's pages,
 * verification and new emergency code are the same wherever the user enrolls.
 */
export function enrollmentWizard<E extends Enrollee>(router: Router, place: EnrollmentPlace<E>, flow: EnrollmentFlow, methods: readonly EnrollmentMethod[]): void {
  for (const method of methods) {
    method.mount<E>({
      router,
      place,
      flow,
      route: `${place.route}${method.step}`,
      urlFor: (enrollee) => `${enrollee.url}${method.step}`,
      otherChoices: (enrollee) => methods.filter((other) => other !== method).map((other) => ({ url: `${enrollee.url}${other.step}`, label: other.choice })),
    });
  }
}
