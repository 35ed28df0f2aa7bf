export { controlRoutes, type ControlDependencies } from './routes.js';
export { controlGuards } from './control-auth.js';
export { Faults } from './faults.js';
export { faultInjection } from './fault-injection.js';
