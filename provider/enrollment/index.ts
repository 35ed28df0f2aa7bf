export { EnrollmentFlow } from './enrollment-flow.js';
export { enrollmentWizard, enrollmentMethods, type EnrollmentMethodDependencies } from './enrollment-wizard.js';
export { authenticatorMethod } from './authenticator-method.js';
export type { EnrollmentMethod, MethodChoice, MethodMount } from './enrollment-method.js';
export type { Enrollee, EnrollmentPage, EnrollmentPlace } from './enrollment-place.js';
