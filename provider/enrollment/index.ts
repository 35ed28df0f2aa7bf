export { EnrollmentFlow } from './enrollment-flow.js';
export { enrollmentWizard, ENROLLMENT_METHODS } from './enrollment-wizard.js';
export type { EnrollmentMethod, MethodChoice, MethodMount } from './enrollment-method.js';
export type { Enrollee, EnrollmentPage, EnrollmentPlace } from './enrollment-place.js';
