import type { Router } from '@koa/router';
import type { MessageKey } from '../i18n/index.js';
import type { EnrollmentFlow } from './enrollment-flow.js';
import type { Enrollee, EnrollmentPlace } from './enrollment-place.js';

/** Another method the wizard offers on a method's page: a link to it. */
export interface MethodChoice {
  url: string;
  label: MessageKey;
}

/** What a method's routes get: where they are mounted, the shared flow, and the links to the other methods. */
export interface MethodMount<E extends Enrollee = Enrollee> {
  router: Router;
  place: EnrollmentPlace<E>;
  flow: EnrollmentFlow;
  /** The method's route at this place: the wizard's route plus the method's step. */
  route: string;
  /** The method's URL for this enrollee. */
  urlFor: (enrollee: E) => string;
  /** Links to every other method, to render on this method's page. */
  otherChoices: (enrollee: E) => MethodChoice[];
}

/**
 * A way to set up a second factor. The first method of the list is the wizard's own page (its step is
 * ''); the others live at their step under it and are offered as links on every method's page. Each
 * method ends with `flow.complete`, which issues the new emergency code, and hands it to `place.enrolled`.
 */
export interface EnrollmentMethod {
  /** Under the wizard's route: '' for the first method, `/security-key` for another. */
  readonly step: string;
  /** How the other methods' pages offer it. */
  readonly choice: MessageKey;
  mount<E extends Enrollee>(at: MethodMount<E>): void;
}
