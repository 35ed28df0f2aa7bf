import type { Router } from '@koa/router';
import { authenticatorMethod } from './authenticator-method.js';
import type { EnrollmentFlow } from './enrollment-flow.js';
import type { EnrollmentMethod } from './enrollment-method.js';
import type { Enrollee, EnrollmentPlace } from './enrollment-place.js';

/** The methods the wizard offers, the first being its own page. A security key would follow the authenticator. */
export const ENROLLMENT_METHODS: readonly EnrollmentMethod[] = [authenticatorMethod];

/**
 * The one enrollment wizard, mounted at a place (a sign-in, Account Settings): every method's pages,
 * verification and new emergency code are the same wherever the user enrolls.
 */
export function enrollmentWizard<E extends Enrollee>(router: Router, place: EnrollmentPlace<E>, flow: EnrollmentFlow, methods: readonly EnrollmentMethod[] = ENROLLMENT_METHODS): void {
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
